import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { ErrorCode, WaitReason } from '@app/contracts';
import {
  CredentialsRejectedError,
  InvalidArchiveError,
  PlatformError,
  QuotaExceededError,
  RateLimitedError,
} from '@app/platform-adapters';
import type { PlatformAdapter, PlatformCallContext } from '@app/platform-adapters';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { POSTGRES_ENDPOINT, PostgresEndpoint } from '../../../database/postgres-endpoint';
import { queueInEmbeddedDatabase } from '../../../queue/queue-connection';
import { ShutdownState } from '../../../common/shutdown-state';
import { isStorageFull } from '../../../common/storage-full';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isUnreachableDependency } from '../../../common/unreachable-dependency';
import { ConnectedPlatform, PlatformAccess } from '../../platforms';
import type { ExportCheckpoint, ExportJob } from '../export-job.entity';
import { ExportJobRepository, StaleAttemptError } from '../export-job.repository';
import { ExportStorage } from '../export-storage';
import { downloadPath } from '../export-views.mapper';
import { ExportEventBus } from '../events/export-event-bus';
import { ExportSource, ExportSources, isArchiveImport } from '../import/export-source';
import { ProgressThrottle } from '../events/progress-throttle';
import { CheckpointFeed } from '../pipeline/checkpoint-feed';
import { ExportPipeline } from '../pipeline/export-pipeline';
import { plannedCollections } from '../pipeline/planned-collections';
import type { WorkFolder } from '../pipeline/work-folder';
import { shortfallWarnings } from '../pipeline/shortfall';
import { abandonArchive, type ArchiveRequest, buildArchive, startJsonArchive } from '../writers/archive-builder';
import { CollectedColumns } from '../writers/csv-columns';
import { EXPORT_QUEUE, ExportJobData, ExportQueue } from './export-queue';
import { ExportStopped, RunningExports } from './running-exports';

/** How often an export parked on a full disk looks for space again. */
const STORAGE_RECHECK_MS = 10_000;

/** How long a worker's hold on a job lasts unless renewed (every half of it). */
const LOCK_DURATION_MS = 15_000;

/** How often a job that could not be handed back (the queue's database out of reach too) tries again. */
const HAND_BACK_RETRY_MS = 500;

/** How long a worker keeps such a job, waiting for the queue's database, before leaving it to lapse. */
const HAND_BACK_PATIENCE_MS = 3 * 60_000;

/**
 * The worker: runs one export from its checkpoints to a finished archive. Every write it makes is
 * fenced by the attempt number it took, so a worker that lost its lock cannot touch the job again.
 * Long waits (rate limits, spent quota) and shutdowns park the job in the queue instead of holding
 * a worker; other failures retry with backoff and fail the export after the last attempt.
 *
 * A killed worker's export is taken over once its 15 s lock has expired and two stalled-job checks
 * 5 s apart have seen it (mark, then sweep): within about 25 s, where BullMQ's defaults take a
 * minute. The lock is renewed every 7.5 s; a worker too busy to renew it loses the job to another
 * one, which the attempt fencing makes harmless. An embedded service restarted after a crash does
 * not wait for that: see onApplicationBootstrap.
 */
@Processor(EXPORT_QUEUE, { concurrency: 2, drainDelay: 1, lockDuration: LOCK_DURATION_MS, stalledInterval: 5_000, autorun: false })
export class ExportProcessor
  extends WorkerHost
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ExportProcessor.name);
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly platforms: PlatformAccess,
    private readonly jobs: ExportJobRepository,
    private readonly storage: ExportStorage,
    private readonly events: ExportEventBus,
    private readonly running: RunningExports,
    private readonly shutdown: ShutdownState,
    private readonly sources: ExportSources,
    private readonly queue: ExportQueue,
    @Inject(POSTGRES_ENDPOINT) private readonly endpoint: PostgresEndpoint,
  ) {
    super();
  }

  onModuleInit(): void {
    this.events.onCancelRequest(({ exportId }) => this.running.stop(exportId, 'cancelled'));
  }

  /**
   * Starts taking jobs. When the queue lives in this process's own embedded database, no other process
   * can be working on it, so a job still marked running was left by this service's previous run,
   * which died (a crash, a kill): it goes back to waiting now instead of after its lock expires, so
   * the export resumes from its checkpoint as soon as the service is back.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (queueInEmbeddedDatabase(this.config, this.endpoint)) {
      const requeued = await this.queue.requeueRunning().catch((error: Error) => {
        this.logger.warn(`Could not take back the exports the previous run left running (${error.message}); they resume once their locks expire`);
        return [];
      });
      if (requeued.length > 0) this.logger.warn(`The previous run ended without a shutdown; resuming the export(s) it was running: ${requeued.join(', ')}`);
    }
    this.worker.run().catch((error: Error) => this.logger.error(`Export queue worker stopped: ${error.message}`));
  }

  /** Connection trouble with the queue backend; BullMQ reconnects by itself, so it is only logged. */
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logger.warn(`Export queue worker: ${error.message}`);
  }

  /**
   * The drain, while HTTP still answers (health says 503 "shutting down"): the worker takes no new
   * job, each running export finishes the page in flight, checkpoints it and hands its job back to
   * the queue without spending an attempt. Pages still running after half of SHUTDOWN_TIMEOUT_MS
   * are cut (their work since the last checkpoint is fetched again by the next worker); the rest of
   * the budget is left for closing the database, the queue and the sockets.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shutdown.begin();
    const graceMs = Math.floor(this.config.shutdownTimeoutMs / 2);
    this.logger.log(`Shutdown (${signal ?? 'close'}): taking no new exports; ${this.running.count} running export(s) stop after their current page`);
    // Not awaited: pausing waits for nothing once told so, but a cut Redis connection can hold its promise.
    void this.worker.pause(true).catch((error: Error) => this.logger.warn(`Pausing the export worker failed: ${error.message}`));
    this.running.stopAllAfterPage('shutdown', graceMs);
    await this.running.idle(graceMs + Math.floor(this.config.shutdownTimeoutMs / 5));
    if (this.running.count > 0) this.logger.warn(`Shutdown: ${this.running.count} export(s) did not hand their job back in time; another worker takes them over once their lock expires`);
    else this.logger.log('Shutdown: every running export checkpointed and went back to the queue');
  }

  /**
   * Runs before @nestjs/bullmq closes the worker. BullMQ's graceful close waits for its fetch loop,
   * which never returns when a Redis restart cut its blocking call; by now our exports have
   * checkpointed and handed their jobs back, so the worker is closed without that wait.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.worker.close(true);
    this.logger.log('Shutdown: export worker closed');
  }

  async process(job: Job<ExportJobData>, token?: string): Promise<void> {
    const { exportId } = job.data;
    // A fetch that was already waiting when the drain began can still deliver a job: it goes back untouched.
    if (this.shutdown.draining) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const activated = await this.jobs.activate(exportId).catch(async (error: unknown) => {
      if (isUnreachableDependency(error)) await this.awaitDatabase(job, token, exportId, undefined, error);
      throw error;
    });
    if (!activated) return; // cancelled while queued, or already finished
    const { job: row, waited } = activated;
    if (waited === 'storage_full' && !(await this.storage.hasRoomForExport())) {
      await this.park(job, token, row, 'storage_full', new Date(Date.now() + STORAGE_RECHECK_MS));
    }
    const signal = this.running.start(exportId);
    if (waited) this.resumed(row, waited);
    else this.logger.log(`Export ${row.id} of user ${row.userId} started (${row.platform}, attempt ${row.attempt})`);
    const progress = new ProgressThrottle((payload) => this.events.publish({ userId: row.userId, name: 'export:progress', payload }));
    let connection: ConnectedPlatform | undefined;
    let source: ExportSource | undefined;
    try {
      if (isArchiveImport(row)) {
        source = await this.sources.fromArchive(row);
        connection = source.connection;
      } else {
        connection = await this.platforms.connected(row.userId, row.platform);
        source = this.sources.fromConnection(connection);
      }
      const warnings = await this.run(row, source, signal, progress);
      progress.flush();
      this.events.publish({
        userId: row.userId,
        name: 'export:complete',
        payload: { jobId: row.id, platform: row.platform, downloadUrl: downloadPath(row), warnings },
      });
      this.logger.log(`Export ${row.id} of user ${row.userId} completed${warnings.length ? ` with ${warnings.length} warning(s)` : ''}`);
    } catch (error) {
      progress.flush();
      await this.handleFailure(job, token, row, connection, error);
    } finally {
      source?.close();
      this.running.finish(exportId);
    }
  }

  /** Collects and writes the archive; returns the warnings the export completed with. */
  private async run(row: ExportJob, source: ExportSource, signal: AbortSignal, progress: ProgressThrottle): Promise<string[]> {
    let waiting: WaitReason | null = null;
    const context = {
      ...source.callContext(signal, (wait) => {
        waiting = wait.cause;
        void this.recordWait(row, wait.cause, wait.resumeAt);
      }),
      logLabel: `export ${row.id}`,
    };
    const account = row.account ?? (await this.describeAccount(row, source.adapter, context));
    const folder = this.storage.workFolder(row.id);
    const plans = plannedCollections(source.adapter, row.options);
    const feed = new CheckpointFeed();
    const columns = row.format === 'csv' ? new CollectedColumns() : undefined;
    const pipeline = new ExportPipeline(
      {
        exportId: row.id,
        attempt: row.attempt,
        maxRecords: row.options.maxRecords,
        includeMedia: row.options.includeMedia === true,
        startedAt: row.startedAt ?? new Date(),
        progress: row.progress,
        totalItems: row.totalItems,
      },
      plans,
      {
        adapter: source.adapter,
        context,
        checkpoints: this.jobs,
        folder,
        media: source.media,
        stopRequest: () => this.running.stopRequest(row.id),
        feed,
        pageSaved: columns && ((collection, items, before) => columns.add(collection, items, before)),
        onProgress: (fields) => {
          if (waiting) this.resumed(row, waiting);
          waiting = null;
          progress.push({ jobId: row.id, platform: row.platform, progress: fields.progress, processedItems: fields.processedItems, totalItems: fields.totalItems });
        },
      },
    );
    const target = await this.storage.archivePath(row.id, row.attempt);
    const head = row.format === 'json' ? startJsonArchive(target, plans.map((plan) => plan.collection), feed, folder) : undefined;
    const collectStarted = performance.now();
    let collected: ExportCheckpoint[];
    let request: ArchiveRequest;
    try {
      collected = await pipeline.run();
      request = await this.archiveRequest(row, source, account, folder, collected, target, columns);
    } catch (error) {
      await abandonArchive(head);
      throw error;
    }
    const buildStarted = performance.now();
    const archive = await buildArchive(request, signal, head);
    // Where an export's time goes, for whoever tunes a deployment: collecting pages, then the archive.
    this.logger.debug(
      `Export ${row.id}: ${collected.reduce((sum, checkpoint) => sum + checkpoint.itemCount, 0)} item(s) collected in ` +
        `${Math.round(buildStarted - collectStarted)} ms, ${row.format} archive of ${archive.bytes} bytes built in ${Math.round(performance.now() - buildStarted)} ms`,
    );
    // Before the export shows as completed: whoever sees it completed sees the connection's sync too.
    if (source.connection) await this.platforms.recordSync(source.connection, new Date());
    const completed = await this.jobs.complete(row, {
      path: target,
      fileSize: archive.bytes,
      fileName: `${row.platform}-export.zip`,
      retentionDays: this.config.exports.retentionDays,
      warnings: archive.warnings,
    });
    if (!completed) {
      await rm(target, { force: true });
      throw new StaleAttemptError(row.id, row.attempt);
    }
    await this.storage.removeScratch(row.id);
    return archive.warnings;
  }

  /** What the archive is built from once every collection is collected. */
  private async archiveRequest(
    row: ExportJob,
    source: ExportSource,
    account: { id: string; name: string },
    folder: WorkFolder,
    collected: ExportCheckpoint[],
    target: string,
    columns: CollectedColumns | undefined,
  ): Promise<ArchiveRequest> {
    const shortfall = await shortfallWarnings(folder, collected, row.options.maxRecords);
    return {
      target,
      format: row.format,
      folder,
      checkpoints: collected,
      warnings: [...row.warnings, ...shortfall],
      views: source.adapter.views,
      columns,
      manifest: {
        exportId: row.id,
        platform: row.platform,
        account,
        options: row.options,
        createdAt: row.createdAt.toISOString(),
        completedAt: new Date().toISOString(),
        generator: `Star Export ${this.config.version}`,
        ...source.manifest,
        ...(await source.completedManifest?.(folder, collected)),
      },
    };
  }

  private async describeAccount(row: ExportJob, adapter: PlatformAdapter, context: PlatformCallContext): Promise<{ id: string; name: string }> {
    const info = await adapter.verifyCredentials(context);
    const account = { id: info.accountId, name: info.name };
    await this.jobs.recordAccount(row, account);
    return account;
  }

  private async handleFailure(
    job: Job<ExportJobData>,
    token: string | undefined,
    row: ExportJob,
    connection: ConnectedPlatform | undefined,
    error: unknown,
  ): Promise<void> {
    const stopped = error instanceof ExportStopped ? error : undefined;
    if (isUnreachableDependency(error)) await this.awaitDatabase(job, token, row.id, row.userId, error);
    if (error instanceof StaleAttemptError || stopped?.reason === 'cancelled') {
      await this.settleStopped(row);
      return;
    }
    if (stopped?.reason === 'shutdown') {
      await this.park(job, token, row, 'restarting', new Date());
    }
    if (error instanceof RateLimitedError) await this.park(job, token, row, error.waitCause, error.resumeAt);
    if (error instanceof QuotaExceededError) await this.park(job, token, row, 'quota_exceeded', error.resetsAt);
    if (isStorageFull(error)) {
      // What this attempt wrote past its checkpoints is cut back when it resumes; its copies go now.
      await this.storage.workFolder(row.id).prune(await this.jobs.loadCheckpoints(row.id));
      await this.storage.removeArchiveParts(row.id);
      await this.park(job, token, row, 'storage_full', new Date(Date.now() + STORAGE_RECHECK_MS));
    }
    if (error instanceof CredentialsRejectedError) {
      if (connection) await this.platforms.markNeedsReconnect(connection, error.message);
      const message =
        error.reason === 'session_ended'
          ? `${row.platform} ended the browser session: ${error.detail ?? 'logged out'}, and start the export again`
          : `${row.platform} no longer accepts the connection; reconnect it and start again`;
      await this.fail(row, ErrorCode.PLATFORM_NOT_CONNECTED, message);
      throw new UnrecoverableError(error.message);
    }
    if (error instanceof InvalidArchiveError) {
      await this.fail(row, ErrorCode.INVALID_ARCHIVE, error.message);
      throw new UnrecoverableError(error.message);
    }
    if (error instanceof PlatformError && error.code === ErrorCode.PLATFORM_NOT_CONNECTED) {
      await this.fail(row, ErrorCode.PLATFORM_NOT_CONNECTED, error.message);
      throw new UnrecoverableError(error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      this.logger.error(`Export ${row.id} of user ${row.userId} failed for good: ${message}`);
      await this.fail(row, ErrorCode.EXPORT_FAILED, message);
    } else {
      this.logger.warn(`Export ${row.id} of user ${row.userId}: attempt ${job.attemptsMade + 1} of ${attempts} failed, will retry: ${message}`);
    }
    throw error;
  }

  /** Cancelled (or taken over): a cancelled export loses its scratch files and tells its owner. */
  private async settleStopped(row: ExportJob): Promise<void> {
    const current = await this.jobs.findById(row.id);
    if (current?.status !== 'cancelled') return; // another worker owns it now
    await this.storage.removeScratch(row.id);
    this.logger.log(`Export ${row.id} of user ${row.userId} cancelled while running`);
    this.events.publish({ userId: row.userId, name: 'export:cancelled', payload: { jobId: row.id, platform: row.platform } });
  }

  /** Back to the queue until `until`, without using an attempt; the status shows why and when. */
  private async park(job: Job<ExportJobData>, token: string | undefined, row: ExportJob, reason: WaitReason, until: Date): Promise<never> {
    await this.recordWait(row, reason, until);
    await job.moveToDelayed(Math.max(until.getTime(), Date.now()), token);
    throw new DelayedError();
  }

  /**
   * The database (or the queue) is out of reach: not the export's fault, so no attempt is spent. The
   * job goes back to the queue for a short while; its status cannot record the wait, as the database
   * is what is missing.
   *
   * With the queue on PostgreSQL, handing the job back needs the very database that is out of reach.
   * Giving up then would fail the attempt, and BullMQ could not record that either: the job would
   * stay active until its lock expired and be counted as stalled (twice fails it for good). So the
   * hand-back is tried again while this worker keeps the job, and goes through as soon as the
   * database is back: BullMQ checks the lock's token, not its expiry, and its stalled-job check needs
   * two passes 5 s apart after the outage before it would take the job away. Should it have (another
   * worker holds it now), the queue refuses for that reason and the failure stands, as it does past
   * HAND_BACK_PATIENCE_MS or once the process shuts down.
   */
  private async awaitDatabase(job: Job<ExportJobData>, token: string | undefined, exportId: string, userId: string | undefined, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const giveUpAt = Date.now() + HAND_BACK_PATIENCE_MS;
    for (let tries = 1; ; tries += 1) {
      const outcome = await job.moveToDelayed(Date.now() + DEPENDENCY_RETRY_AFTER_SECONDS * 1000, token).then(
        () => 'moved' as const,
        (refusal: unknown) => (isUnreachableDependency(refusal) ? ('unreachable' as const) : ('refused' as const)),
      );
      if (outcome === 'moved') {
        const handBack = tries > 1 ? ` (handed back to the queue after ${tries} tries)` : '';
        this.logger.warn(`Export ${exportId}${userId ? ` of user ${userId}` : ''} waits ${DEPENDENCY_RETRY_AFTER_SECONDS} s for the database${handBack} (${message})`);
        throw new DelayedError();
      }
      if (outcome === 'refused' || this.shutdown.draining || Date.now() + HAND_BACK_RETRY_MS >= giveUpAt) return;
      await sleep(HAND_BACK_RETRY_MS);
    }
  }

  /** Shows the wait in the export's status and tells its subscribers. */
  private async recordWait(row: ExportJob, reason: WaitReason, until: Date): Promise<void> {
    this.logger.log(`Export ${row.id} of user ${row.userId} waits (${reason}) until ${until.toISOString()}`);
    this.events.publish({
      userId: row.userId,
      name: 'export:waiting',
      payload: { jobId: row.id, platform: row.platform, waitReason: reason, resumeAt: until.toISOString() },
    });
    await this.jobs
      .recordWait(row, reason, until)
      .catch((error: Error) => this.logger.warn(`Could not record the wait of export ${row.id}: ${error.message}`));
  }

  private resumed(row: ExportJob, after: WaitReason): void {
    this.logger.log(`Export ${row.id} of user ${row.userId} resumed after waiting (${after}), attempt ${row.attempt}`);
    this.events.publish({ userId: row.userId, name: 'export:resumed', payload: { jobId: row.id, platform: row.platform } });
  }

  /**
   * The final failure: nothing will resume the export, so its work folder goes (a full disk must not
   * stay full). The message its owner sees never names a file on this server.
   */
  private async fail(row: ExportJob, code: string, reason: string): Promise<void> {
    const message = withoutServerPaths(reason);
    if (await this.jobs.fail(row, code, message)) {
      await this.storage.removeScratch(row.id);
      this.events.publish({ userId: row.userId, name: 'export:failed', payload: { jobId: row.id, platform: row.platform, error: message, code } });
      return;
    }
    // Another attempt owns the export, or it was cancelled: whoever holds it settles it, but the failure is not lost.
    this.logger.warn(`Export ${row.id} of user ${row.userId}: attempt ${row.attempt} could not record its failure (${code}: ${message}); it no longer owns the export`);
  }
}

/** Absolute paths in an error message (ENOENT/ENOSPC name the file) are replaced: clients see no server layout. */
function withoutServerPaths(message: string): string {
  return message.replace(/(^|[\s'"(=])\/[^\s'"()]+/g, '$1<server file>');
}
