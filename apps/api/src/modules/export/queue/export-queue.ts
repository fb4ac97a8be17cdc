import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { JobsOptions, Queue } from 'bullmq';
import { wakeLocalWorkers } from '../../../queue/queue-connection';

export const EXPORT_QUEUE = 'exports';

/** The queue job carries only the export id: job data sits in clear in Redis or PostgreSQL. */
export interface ExportJobData {
  exportId: string;
}

/**
 * The job id is the export id, so enqueueing twice is harmless. Retryable failures retry with
 * exponential backoff from the last checkpoint; parking (rate limits, quota) does not use attempts.
 */
const EXPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The only place that adds export jobs to the queue or takes them out. */
@Injectable()
export class ExportQueue {
  private readonly logger = new Logger(ExportQueue.name);

  constructor(@InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>) {
    // Without a listener an 'error' event (backend unreachable) would throw; BullMQ reconnects itself.
    this.queue.on('error', (error: Error) => this.logger.warn(`Export queue: ${error.message}`));
  }

  /** Adds the export's job; when the queue is unreachable the row stays queued and the reconciler adds it later. */
  async enqueue(exportId: string): Promise<void> {
    try {
      await this.add(exportId, 0);
    } catch (error) {
      this.logger.warn(`Export ${exportId} not enqueued yet (${(error as Error).message}); the reconciler will retry`);
    }
  }

  /**
   * Adds the export's job again unless the queue still holds a live one (waiting, delayed or running);
   * a finished or failed leftover is replaced. Returns whether a job was added.
   */
  async restore(exportId: string, resumeAt: Date | null): Promise<boolean> {
    const job = await this.queue.getJob(exportId);
    const state = job ? await job.getState() : 'unknown';
    if (job && state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    if (job) await job.remove();
    await this.add(exportId, resumeAt ? Math.max(0, resumeAt.getTime() - Date.now()) : 0);
    return true;
  }

  /**
   * Puts every running job back to waiting, without a lock check, and answers their ids. Only for a
   * queue no other live process can be working on: see ExportProcessor.onApplicationBootstrap.
   */
  async requeueRunning(): Promise<string[]> {
    const running = await this.queue.getActive();
    for (const job of running) await job.moveToWait();
    return running.map((job) => job.id ?? '');
  }

  /** Takes a waiting or parked job out; 1 when there was one to remove (a running job stays). */
  remove(exportId: string): Promise<number> {
    return this.queue.remove(exportId).catch(() => 0);
  }

  private async add(exportId: string, delay: number): Promise<void> {
    await this.queue.add('export', { exportId }, { ...EXPORT_JOB_OPTIONS, jobId: exportId, delay });
    if (delay === 0) wakeLocalWorkers(this.queue.name);
  }
}
