import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ACTIVE_EXPORT_STATUSES, ErrorCode, ExportOptions } from '@app/contracts';
import { PlatformAdapterRegistry } from '@app/platform-adapters';
import type { PlatformAdapter } from '@app/platform-adapters';
import { ApiError, invalidFormat } from '../../common/api-error';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { ConnectedPlatform, PlatformAccess, apiErrorFromPlatform } from '../platforms';
import { ExportListView, ExportStatsView, ExportStatusView, StartedExportView } from './dto/export-views.dto';
import type { ListExportsQuery } from './dto/list-exports-query.dto';
import type { StartExportDto } from './dto/start-export.dto';
import { exportFinished, exportNotFound, noRoomFor, tooManyExports } from './export-errors';
import type { ExportJob } from './export-job.entity';
import { ExportStorage } from './export-storage';
import { ExportJobRepository } from './export-job.repository';
import { listItemView, startedView, statusView } from './export-views.mapper';
import { ExportEventBus } from './events/export-event-bus';
import { plannedCollections } from './pipeline/planned-collections';
import { ExportQueue } from './queue/export-queue';
import { humanBytes } from './human-bytes';
import { assertSameRequest, requestFingerprint } from './idempotency-fingerprint';
import { plainOptions } from './plain-options';

const ESTIMATE_TIMEOUT_MS = 30_000;

/** The producer side of exports: checks, the job row, the queue; and what users read back. */
/** How long a client refused for full storage is asked to wait: space comes back as archives expire or exports end. */

@Injectable()
export class ExportService {
  constructor(
    private readonly jobs: ExportJobRepository,
    private readonly queue: ExportQueue,
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: PlatformAdapterRegistry,
    private readonly platforms: PlatformAccess,
    private readonly events: ExportEventBus,
    private readonly storage: ExportStorage,
  ) {}

  private readonly logger = new Logger(ExportService.name);

  async start(userId: string, request: StartExportDto, idempotencyKey?: string): Promise<StartedExportView> {
    const options = plainOptions(request.options ?? {});
    const fingerprint = requestFingerprint({ platform: request.platform, format: request.format, options });
    if (idempotencyKey) {
      const previous = await this.jobs.findByIdempotencyKey(userId, idempotencyKey);
      if (previous) return startedView(assertSameRequest(previous, fingerprint));
    }
    const adapter = this.validate(request, options);
    if (!(await this.storage.hasRoomForExport())) {
      this.logger.warn(`Export refused for user ${userId}: storage is full`);
      throw noRoomFor('export');
    }
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

    const inserted = await this.jobs.insert(
      {
        userId,
        platform: request.platform,
        format: request.format,
        options,
        totalItems: estimate.items === null ? null : Math.min(estimate.items, options.maxRecords ?? estimate.items),
        estimatedUnits: estimate.units || null,
        idempotencyKey: idempotencyKey ?? null,
        idempotencyFingerprint: idempotencyKey ? fingerprint : null,
      },
      this.config.exports.maxActivePerUser,
    );
    if (inserted.outcome === 'too_many') {
      throw tooManyExports(this.config.exports.maxActivePerUser);
    }
    // A concurrent start with the same key got there first: its export is the answer, for the same request only.
    if (inserted.outcome === 'existing') return startedView(assertSameRequest(inserted.job, fingerprint));
    await this.queue.enqueue(inserted.job.id);
    return startedView(inserted.job);
  }

  async get(userId: string, id: string): Promise<ExportStatusView> {
    return statusView(await this.find(userId, id));
  }

  async find(userId: string, id: string): Promise<ExportJob> {
    const job = await this.jobs.findOwned(userId, id);
    if (!job) throw exportNotFound();
    return job;
  }

  async list(userId: string, query: ListExportsQuery): Promise<ExportListView> {
    const { jobs, total } = await this.jobs.page(userId, query);
    return {
      exports: jobs.map(listItemView),
      pagination: { page: query.page, limit: query.limit, total, pages: Math.ceil(total / query.limit) },
    };
  }

  /** Idempotent for an already cancelled export; a finished one cannot be cancelled. */
  async cancel(userId: string, id: string): Promise<void> {
    const job = await this.find(userId, id);
    if (job.status === 'cancelled') return;
    if (!ACTIVE_EXPORT_STATUSES.includes(job.status)) throw exportFinished(job.status);
    if (!(await this.jobs.cancel(id))) {
      const now = await this.find(userId, id);
      if (now.status === 'cancelled') return;
      throw exportFinished(now.status);
    }
    // A queued job never starts (the worker checks the row); a running one stops before its next call.
    this.events.requestCancel({ exportId: id });
    const removed = await this.queue.remove(id);
    // Only a worker that is running the export announces the cancel itself. A queue job that could be
    // removed was waiting or parked (delayed after a rate limit or spent quota): nobody else will.
    if (job.status === 'queued' || removed === 1) {
      // Parked or never started: no worker will clean up, so its work folder goes now.
      await this.storage.removeScratch(id);
      this.logger.log(`Export ${id} of user ${userId} cancelled while ${job.status === 'queued' ? 'queued' : 'parked'}`);
      this.events.publish({ userId, name: 'export:cancelled', payload: { jobId: id, platform: job.platform } });
    }
  }

  async stats(userId: string): Promise<ExportStatsView> {
    const totals = await this.jobs.totals(userId);
    return {
      totalExports: totals.total,
      completedExports: totals.completed,
      failedExports: totals.failed,
      averageDuration: Math.round(totals.averageSeconds),
      totalDataExported: humanBytes(totals.bytes),
      totalBytesExported: totals.bytes,
      exportsByPlatform: totals.byPlatform,
    };
  }

  /**
   * What the export will cost and hold: the adapter's own pre-flight estimate where it has one (YouTube
   * reads the channel's video count), else the sum of its plans' lower bounds.
   */
  private async estimate(
    adapter: PlatformAdapter,
    connection: ConnectedPlatform,
    options: ExportOptions,
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

  private validate(request: StartExportDto, options: ExportOptions): PlatformAdapter {
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
}
