import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@app/contracts';
import { PlatformAdapterRegistry } from '@app/platform-adapters';
import type { CollectionPlan, PlatformAdapter } from '@app/platform-adapters';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError, invalidFormat } from '../../common/api-error';
import { queryRows } from '../../database/query-rows';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { ConnectedPlatform, PlatformAccess } from '../platforms/platform-access';
import { apiErrorFromPlatform } from '../platforms/platform-errors';
import { ExportListView, ExportStatsView, ExportStatusView, StartedExportView } from './dto/export-views.dto';
import type { ListExportsQuery } from './dto/list-exports-query.dto';
import type { ExportRequestOptions, StartExportDto } from './dto/start-export.dto';
import { exportFinished, exportNotFound } from './export-errors';
import { ACTIVE_STATUSES, ExportJob } from './export-job.entity';
import { listItemView, startedView, statusView } from './export-views.mapper';
import { ExportEventBus } from './events/export-event-bus';
import { EXPORT_JOB_OPTIONS, EXPORT_QUEUE, ExportJobData } from './queue/export-queue';
import { humanBytes } from './human-bytes';
import { assertSameRequest, requestFingerprint } from './idempotency-fingerprint';

const ESTIMATE_TIMEOUT_MS = 30_000;

/** The collections an export of these options pulls: the adapter's plan, narrowed to `options.collections`. */
export function plannedCollections(adapter: PlatformAdapter, options: ExportRequestOptions): CollectionPlan[] {
  const plans = adapter.collections(options);
  return options.collections ? plans.filter((plan) => options.collections?.includes(plan.feature)) : plans;
}

/** The producer side of exports: checks, the job row, the queue; and what users read back. */
@Injectable()
export class ExportService {
  private readonly logger = new Logger(ExportService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>,
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: PlatformAdapterRegistry,
    private readonly platforms: PlatformAccess,
    private readonly events: ExportEventBus,
  ) {
    // Without a listener an 'error' event (backend unreachable) would throw; BullMQ reconnects itself.
    this.queue.on('error', (error: Error) => this.logger.warn(`Export queue: ${error.message}`));
  }

  async start(userId: string, request: StartExportDto, idempotencyKey?: string): Promise<StartedExportView> {
    const options = plainOptions(request.options ?? {});
    const fingerprint = requestFingerprint({ platform: request.platform, format: request.format, options });
    if (idempotencyKey) {
      const previous = await this.db.getRepository(ExportJob).findOneBy({ userId, idempotencyKey });
      if (previous) return startedView(assertSameRequest(previous, fingerprint));
    }
    const adapter = this.validate(request, options);
    const connection = await this.platforms.connected(userId, request.platform);
    const estimate = await this.estimate(adapter, connection, options);
    const estimatedUnits = estimate.units;
    const quota = await this.platforms.quota(connection);
    if (estimatedUnits > quota.remaining) {
      throw new ApiError(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.QUOTA_EXCEEDED,
        `This export needs about ${estimatedUnits} quota units and ${quota.remaining} remain until ${quota.resetsAt.toISOString()}`,
        undefined,
        { 'Retry-After': String(Math.max(1, Math.ceil((quota.resetsAt.getTime() - Date.now()) / 1000))) },
      );
    }

    const job = await this.db.transaction((manager) => this.insert(manager, userId, request, options, estimate, idempotencyKey, fingerprint));
    await this.enqueue(job.id);
    return startedView(job);
  }

  async get(userId: string, id: string): Promise<ExportStatusView> {
    return statusView(await this.find(userId, id));
  }

  async find(userId: string, id: string): Promise<ExportJob> {
    const job = await this.db.getRepository(ExportJob).findOneBy({ id, userId });
    if (!job) throw exportNotFound();
    return job;
  }

  async list(userId: string, query: ListExportsQuery): Promise<ExportListView> {
    const where = { userId, ...(query.status ? { status: query.status } : {}), ...(query.platform ? { platform: query.platform } : {}) };
    const [jobs, total] = await this.db.getRepository(ExportJob).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return {
      exports: jobs.map(listItemView),
      pagination: { page: query.page, limit: query.limit, total, pages: Math.ceil(total / query.limit) },
    };
  }

  /** Idempotent for an already cancelled export; a finished one cannot be cancelled. */
  async cancel(userId: string, id: string): Promise<void> {
    const job = await this.find(userId, id);
    if (job.status === 'cancelled') return;
    if (!ACTIVE_STATUSES.includes(job.status)) throw exportFinished(job.status);
    const cancelled = await queryRows(
      this.db,
      `UPDATE export_jobs SET status = 'cancelled', completed_at = now(), wait_reason = NULL, resume_at = NULL
        WHERE id = $1 AND status IN ('queued', 'processing') RETURNING id`,
      [id],
    );
    if (cancelled.length === 0) {
      const now = await this.find(userId, id);
      if (now.status === 'cancelled') return;
      throw exportFinished(now.status);
    }
    // A queued job never starts (the worker checks the row); a running one stops before its next call.
    this.events.requestCancel({ exportId: id });
    const removed = await this.queue.remove(id).catch(() => 0);
    // Only a worker that is running the export announces the cancel itself. A queue job that could be
    // removed was waiting or parked (delayed after a rate limit or spent quota): nobody else will.
    if (job.status === 'queued' || removed === 1) {
      this.events.publish({ userId, name: 'export:cancelled', payload: { jobId: id, platform: job.platform } });
    }
  }

  async stats(userId: string): Promise<ExportStatsView> {
    const [totals]: {
      total: string;
      completed: string;
      failed: string;
      average: string | null;
      bytes: string | null;
    }[] = await this.db.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE status = 'completed') AS completed,
              count(*) FILTER (WHERE status = 'failed') AS failed,
              avg(EXTRACT(EPOCH FROM (completed_at - started_at))) FILTER (WHERE status = 'completed') AS average,
              sum(file_size) FILTER (WHERE status = 'completed') AS bytes
         FROM export_jobs WHERE user_id = $1`,
      [userId],
    );
    const byPlatform: { platform: string; count: string }[] = await this.db.query(
      `SELECT platform, count(*) AS count FROM export_jobs WHERE user_id = $1 GROUP BY platform ORDER BY platform`,
      [userId],
    );
    const bytes = Number(totals.bytes ?? 0);
    return {
      totalExports: Number(totals.total),
      completedExports: Number(totals.completed),
      failedExports: Number(totals.failed),
      averageDuration: Math.round(Number(totals.average ?? 0)),
      totalDataExported: humanBytes(bytes),
      totalBytesExported: bytes,
      exportsByPlatform: Object.fromEntries(byPlatform.map((row) => [row.platform, Number(row.count)])),
    };
  }

  /**
   * What the export will cost and hold: the adapter's own pre-flight estimate where it has one (YouTube
   * reads the channel's video count), else the sum of its plans' lower bounds.
   */
  private async estimate(
    adapter: PlatformAdapter,
    connection: ConnectedPlatform,
    options: ExportRequestOptions,
  ): Promise<{ units: number; items: number | null }> {
    const plans = plannedCollections(adapter, options);
    const fromPlans = { units: plans.reduce((sum, plan) => sum + (plan.estimatedUnits ?? 0), 0), items: null };
    if (!adapter.estimate) return fromPlans;
    try {
      return await adapter.estimate(connection.callContext(AbortSignal.timeout(ESTIMATE_TIMEOUT_MS)), options);
    } catch (error) {
      throw apiErrorFromPlatform(error);
    }
  }

  /** Adds the queue job; when the queue is unreachable the row stays queued and the reconciler adds it later. */
  async enqueue(exportId: string): Promise<void> {
    try {
      await this.queue.add('export', { exportId }, { ...EXPORT_JOB_OPTIONS, jobId: exportId });
    } catch (error) {
      this.logger.warn(`Export ${exportId} not enqueued yet (${(error as Error).message}); the reconciler will retry`);
    }
  }

  private validate(request: StartExportDto, options: ExportRequestOptions): PlatformAdapter {
    if (!this.registry.has(request.platform)) {
      throw invalidFormat(`Unknown platform "${request.platform}"`, [
        { field: 'platform', messages: [`platform must be one of ${this.registry.list().map((a) => a.descriptor.name).join(', ')}`] },
      ]);
    }
    const adapter = this.registry.get(request.platform);
    const { descriptor } = adapter;
    if (!descriptor.exportFormats.includes(request.format)) {
      throw invalidFormat(`${descriptor.displayName} exports are available as ${descriptor.exportFormats.join(', ')}`, [
        { field: 'format', messages: [`format must be one of ${descriptor.exportFormats.join(', ')}`] },
      ]);
    }
    if (options.dateRange) {
      const { start, end } = options.dateRange;
      const today = new Date().toISOString().slice(0, 10);
      if (start > end) throw invalidFormat('dateRange.start must not be after dateRange.end', [{ field: 'options.dateRange', messages: ['start is after end'] }]);
      if (start > today) throw invalidFormat('dateRange.start is in the future', [{ field: 'options.dateRange.start', messages: ['start is in the future'] }]);
    }
    if (options.collections) {
      const offered = Object.entries(descriptor.features).filter(([, on]) => on).map(([name]) => name);
      const unknown = options.collections.filter((name) => !offered.includes(name));
      if (unknown.length > 0) {
        throw invalidFormat(`${descriptor.displayName} offers ${offered.join(', ')}`, [
          { field: 'options.collections', messages: [`unknown collections: ${unknown.join(', ')}`] },
        ]);
      }
    }
    if (plannedCollections(adapter, options).length === 0) {
      throw invalidFormat(`Nothing to export from ${descriptor.displayName} with these options`);
    }
    return adapter;
  }

  /** Serialised per user, so two concurrent starts cannot both pass the active-export cap. */
  private async insert(
    manager: EntityManager,
    userId: string,
    request: StartExportDto,
    options: ExportRequestOptions,
    estimate: { units: number; items: number | null },
    idempotencyKey: string | undefined,
    fingerprint: string,
  ): Promise<ExportJob> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [userId]);
    if (idempotencyKey) {
      const previous = await manager.getRepository(ExportJob).findOneBy({ userId, idempotencyKey });
      if (previous) return assertSameRequest(previous, fingerprint);
    }
    const [{ active }]: { active: string }[] = await manager.query(
      `SELECT count(*) AS active FROM export_jobs WHERE user_id = $1 AND status IN ('queued', 'processing')`,
      [userId],
    );
    if (Number(active) >= this.config.exports.maxActivePerUser) {
      throw new ApiError(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.TOO_MANY_EXPORTS,
        `At most ${this.config.exports.maxActivePerUser} exports may run at once; wait for one to finish or cancel one`,
      );
    }
    const repository = manager.getRepository(ExportJob);
    return repository.save(
      repository.create({
        userId,
        platform: request.platform,
        format: request.format,
        options: plainOptions(options),
        status: 'queued',
        progress: 0,
        totalItems: estimate.items === null ? null : Math.min(estimate.items, options.maxRecords ?? estimate.items),
        processedItems: 0,
        attempt: 0,
        idempotencyKey: idempotencyKey ?? null,
        idempotencyFingerprint: idempotencyKey ? fingerprint : null,
        estimatedUnits: estimate.units || null,
        account: null,
        warnings: [],
      }),
    );
  }
}

/**
 * Options as used and stored: plain JSON, only what the client set. Validation lets `null` through as
 * "not set" (IsOptional), so it is dropped here: a `maxRecords: null` must not read as a cap of 0.
 */
function plainOptions(options: ExportRequestOptions): ExportRequestOptions {
  return JSON.parse(JSON.stringify(options, (_key, value: unknown) => (value === null ? undefined : value))) as ExportRequestOptions;
}
