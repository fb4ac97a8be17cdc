import { rm } from 'node:fs/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ExportJobRepository } from '../export-job.repository';
import { ExportStorage } from '../export-storage';
import { ExportQueue } from './export-queue';
import { MaintenanceLease } from './maintenance-lease';

const RECONCILE_EVERY_MS = 60_000;
const CLEANUP_EVERY_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 10 * 60_000;
/** The retention cleanup's lease: one instance of the deployment runs it per period. */
const RETENTION_LEASE = 'export-retention';
/** An upload untouched this long belongs to a request that died: a live one writes at least every few seconds. */
const STALE_UPLOAD_MS = 6 * 60 * 60_000;

/**
 * PostgreSQL is the truth about exports; the queue can lose jobs (Redis restarted empty, an enqueue
 * that failed while Redis was down). The reconciler re-adds the job of every queued or processing
 * export that has none, under the export's id so it is never added twice. The sweep removes work
 * folders and half-written archives no unfinished export owns (a crash, a failed cleanup); it looks
 * at this instance's STORAGE_DIR, so every instance runs it, at boot and then periodically. The
 * retention cleanup deletes archives past their retention, once per period for the whole deployment.
 */
@Injectable()
export class ExportMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportMaintenance.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly jobs: ExportJobRepository,
    private readonly queue: ExportQueue,
    private readonly storage: ExportStorage,
    private readonly lease: MaintenanceLease,
  ) {}

  onApplicationBootstrap(): void {
    const every = (ms: number, task: () => Promise<unknown>): void => {
      const run = (): void => void task().catch((error: Error) => this.logger.warn(`${task.name} failed: ${error.message}`));
      run();
      this.timers.push(setInterval(run, ms).unref());
    };
    every(RECONCILE_EVERY_MS, () => this.reconcile());
    every(SWEEP_EVERY_MS, () => this.sweepOrphans());
    every(CLEANUP_EVERY_MS, () => this.retention());
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

  /**
   * Removes the scratch files of exports that are not queued or processing any more (or never were).
   * The disk is listed before the database is asked, so an export started in between is never taken
   * for an orphan. Returns the ids swept.
   */
  async sweepOrphans(): Promise<string[]> {
    const onDisk = await this.storage.exportIdsOnDisk();
    if (onDisk.length === 0) return [];
    const live = new Set((await this.jobs.unfinished()).map((row) => row.id));
    const orphans = onDisk.filter((id) => !live.has(id));
    for (const id of orphans) await this.storage.removeScratch(id);
    if (orphans.length > 0) this.logger.log(`Removed the scratch files of ${orphans.length} export(s) no worker runs any more`);
    return orphans;
  }

  /** The retention cleanup when this instance holds the period's lease; null when another one does. */
  async retention(): Promise<number | null> {
    if (!(await this.lease.claim(RETENTION_LEASE, CLEANUP_EVERY_MS - 60_000))) return null;
    const removed = await this.removeExpired();
    if (removed > 0) this.logger.log(`Retention: deleted ${removed} expired archive(s)`);
    return removed;
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
