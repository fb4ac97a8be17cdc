import { rm } from 'node:fs/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ExportJobRepository } from '../export-job.repository';
import { ExportStorage } from '../export-storage';
import { ExportQueue } from './export-queue';

const RECONCILE_EVERY_MS = 60_000;
const CLEANUP_EVERY_MS = 60 * 60_000;
/** An upload untouched this long belongs to a request that died: a live one writes at least every few seconds. */
const STALE_UPLOAD_MS = 6 * 60 * 60_000;

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
    private readonly jobs: ExportJobRepository,
    private readonly queue: ExportQueue,
    private readonly storage: ExportStorage,
  ) {}

  onApplicationBootstrap(): void {
    const every = (ms: number, task: () => Promise<unknown>): void => {
      const run = (): void => void task().catch((error: Error) => this.logger.warn(`${task.name} failed: ${error.message}`));
      run();
      this.timers.push(setInterval(run, ms).unref());
    };
    every(RECONCILE_EVERY_MS, () => this.reconcile());
    every(CLEANUP_EVERY_MS, () => this.removeExpired());
    every(CLEANUP_EVERY_MS, () => this.storage.removeStaleUploads(STALE_UPLOAD_MS));
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Re-adds missing queue jobs; returns how many were added. */
  async reconcile(): Promise<number> {
    let added = 0;
    for (const row of await this.jobs.unfinished()) {
      if (await this.queue.restore(row.id, row.resumeAt)) added += 1;
    }
    if (added > 0) this.logger.log(`Re-enqueued ${added} export(s) the queue had lost`);
    return added;
  }

  /** Deletes archives past `expires_at`; the row stays, so the history and stats keep it. */
  async removeExpired(): Promise<number> {
    const expired = await this.jobs.expiredArchives();
    for (const row of expired) {
      await rm(row.archivePath, { force: true });
      await this.jobs.forgetArchive(row.id);
    }
    return expired.length;
  }
}
