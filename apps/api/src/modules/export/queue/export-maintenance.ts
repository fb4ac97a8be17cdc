import { rm } from 'node:fs/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { EXPORT_JOB_OPTIONS, EXPORT_QUEUE, ExportJobData } from './export-queue';

const RECONCILE_EVERY_MS = 60_000;
const CLEANUP_EVERY_MS = 60 * 60_000;

/**
 * PostgreSQL is the truth about exports; the queue can lose jobs (Redis restarted empty, an enqueue
 * that failed while Redis was down). The reconciler re-adds the job of every queued or processing
 * export that has none, under the export's id so it is never added twice. The cleanup deletes
 * archives past their retention. Both are idempotent, so every instance may run them.
 */
@Injectable()
export class ExportMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportMaintenance.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>,
  ) {}

  onApplicationBootstrap(): void {
    const every = (ms: number, task: () => Promise<unknown>): void => {
      const run = (): void => void task().catch((error: Error) => this.logger.warn(`${task.name} failed: ${error.message}`));
      run();
      this.timers.push(setInterval(run, ms).unref());
    };
    every(RECONCILE_EVERY_MS, () => this.reconcile());
    every(CLEANUP_EVERY_MS, () => this.removeExpired());
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Re-adds missing queue jobs; returns how many were added. */
  async reconcile(): Promise<number> {
    const rows: { id: string; resume_at: Date | null }[] = await this.db.query(
      `SELECT id, resume_at FROM export_jobs WHERE status IN ('queued', 'processing') ORDER BY created_at`,
    );
    let added = 0;
    for (const row of rows) {
      const job = await this.queue.getJob(row.id);
      const state = job ? await job.getState() : 'unknown';
      if (job && state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      if (job) await job.remove();
      const delay = row.resume_at ? Math.max(0, row.resume_at.getTime() - Date.now()) : 0;
      await this.queue.add('export', { exportId: row.id }, { ...EXPORT_JOB_OPTIONS, jobId: row.id, delay });
      added += 1;
    }
    if (added > 0) this.logger.log(`Re-enqueued ${added} export(s) the queue had lost`);
    return added;
  }

  /** Deletes archives past `expires_at`; the row stays, so the history and stats keep it. */
  async removeExpired(): Promise<number> {
    const rows: { id: string; archive_path: string }[] = await this.db.query(
      `SELECT id, archive_path FROM export_jobs WHERE archive_path IS NOT NULL AND expires_at < now()`,
    );
    for (const row of rows) {
      await rm(row.archive_path, { force: true });
      await this.db.query(`UPDATE export_jobs SET archive_path = NULL WHERE id = $1`, [row.id]);
    }
    return rows.length;
  }
}
