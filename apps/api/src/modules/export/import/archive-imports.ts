import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, type ArchiveSource, type ExportOptions } from '@app/contracts';
import { InvalidArchiveError, PlatformAdapterRegistry, archiveImporterFor, openImport, topUpCollectionOf } from '@app/platform-adapters';
import type { Request, Response } from 'express';
import { ApiError, invalidFormat } from '../../../common/api-error';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { createValidationPipe } from '../../../common/validation';
import { PlatformAccess } from '../../platforms';
import { ImportArchiveDto } from '../dto/import-archive.dto';
import type { StartedExportView } from '../dto/export-views.dto';
import { ExportEventBus } from '../events/export-event-bus';
import { noRoomFor, tooManyExports } from '../export-errors';
import { ExportJobRepository } from '../export-job.repository';
import { plainOptions } from '../plain-options';
import { ExportStorage } from '../export-storage';
import { startedView } from '../export-views.mapper';
import { ExportQueue } from '../queue/export-queue';
import { receiveArchiveUpload } from './archive-upload';

/** Upload progress events: one per percent at most, and none closer than this. */
const PROGRESS_EVERY_MS = 250;

export function invalidArchive(error: InvalidArchiveError): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_ARCHIVE, error.message, [{ field: 'file', messages: [error.reason] }]);
}

/**
 * `POST /api/export/import`: the upload streams to STORAGE_DIR/uploads, is checked as a safe ZIP of a
 * platform Star Export can read, and becomes an export whose source is the archive. From there it is
 * an export like any other: the same queue, worker, pipeline, writers, events, download and retention.
 */
@Injectable()
export class ArchiveImports {
  private readonly logger = new Logger(ArchiveImports.name);
  private readonly validation = createValidationPipe();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: PlatformAdapterRegistry,
    private readonly jobs: ExportJobRepository,
    private readonly queue: ExportQueue,
    private readonly storage: ExportStorage,
    private readonly events: ExportEventBus,
    private readonly platforms: PlatformAccess,
  ) {}

  async receive(userId: string, request: Request, response: Response): Promise<StartedExportView> {
    if (!(await this.storage.hasRoomForExport())) throw noRoomFor('import');
    // Refused before the upload, not after gigabytes of it; the insert below still has the final word.
    const maxActive = this.config.exports.maxActivePerUser;
    if ((await this.jobs.active(userId)).length >= maxActive) throw tooManyExports(maxActive);
    const uploadId = randomUUID();
    const path = await this.storage.uploadPath(uploadId);
    const progress = this.progressReporter(userId, uploadId, request);
    const upload = await receiveArchiveUpload(request, response, { path, maxBytes: this.config.exports.importMaxBytes, onProgress: progress });
    progress(upload.bytes, upload.fileName, true);
    try {
      const fields = await this.fields(upload.fields);
      const source: ArchiveSource = { kind: 'archive', fileName: upload.fileName.slice(0, 255), bytes: upload.bytes, sha256: upload.sha256, uploadedAt: new Date().toISOString() };
      return await this.start(userId, path, fields, source);
    } finally {
      // Adopted into the export's work folder when it started; otherwise nothing of it may stay.
      await rm(path, { force: true });
    }
  }

  private async start(userId: string, path: string, request: ImportArchiveDto, source: ArchiveSource): Promise<StartedExportView> {
    const opened = await openImport(path, request.platform).catch((error: unknown) => {
      throw error instanceof InvalidArchiveError ? invalidArchive(error) : error;
    });
    const platform = opened.platform;
    const held = opened.archive.plans();
    opened.zip.close();
    const options: ExportOptions = { ...plainOptions(request.options ?? {}), source };
    this.check(platform, request, options, held.map((plan) => plan.collection));
    // The top-up reads the user's connection: without one the import is refused now (409 PLATFORM_NOT_CONNECTED), not failed later.
    if (options.topUp) await this.platforms.connected(userId, platform);

    const inserted = await this.jobs.insert(
      { userId, platform, format: request.format, options, totalItems: null, estimatedUnits: null, idempotencyKey: null, idempotencyFingerprint: null },
      this.config.exports.maxActivePerUser,
    );
    if (inserted.outcome !== 'created') throw tooManyExports(this.config.exports.maxActivePerUser);
    await this.storage.adoptUpload(path, inserted.job.id);
    await this.queue.enqueue(inserted.job.id);
    this.logger.log(`Import ${inserted.job.id} of user ${userId} queued (${platform}, ${source.bytes} bytes)`);
    return startedView(inserted.job);
  }

  /** The form fields, checked like a JSON body: `options` is a JSON string in the multipart form. */
  private async fields(raw: Record<string, string>): Promise<ImportArchiveDto> {
    const unknown = Object.keys(raw).filter((name) => !['format', 'platform', 'options'].includes(name));
    if (unknown.length > 0) throw invalidFormat(`Unknown form fields: ${unknown.join(', ')}`, unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })));
    let options: unknown;
    if (raw.options !== undefined) {
      try {
        options = JSON.parse(raw.options);
      } catch {
        throw invalidFormat('options must be a JSON object', [{ field: 'options', messages: ['options must be a JSON object'] }]);
      }
    }
    const body = { format: raw.format, ...(raw.platform !== undefined ? { platform: raw.platform } : {}), ...(options !== undefined ? { options } : {}) };
    return (await this.validation.transform(body, { type: 'body', metatype: ImportArchiveDto })) as ImportArchiveDto;
  }

  private check(platform: string, request: ImportArchiveDto, options: ExportOptions, held: string[]): void {
    // The registry refuses to boot without an adapter for every platform, so an archive's platform has one.
    const formats = this.registry.get(platform).descriptor.exportFormats;
    if (!formats.includes(request.format)) {
      throw invalidFormat(`Imports of this archive are available as ${formats.join(', ')}`, [{ field: 'format', messages: [`format must be one of ${formats.join(', ')}`] }]);
    }
    if (options.topUp && !topUpCollectionOf(platform)) {
      throw invalidFormat(`topUp is only for X archives, whose API serves just the 3,200 newest posts; import this archive alone and start an export from the API for what is newer`, [
        { field: 'options.topUp', messages: [`not available for ${platform}`] },
      ]);
    }
    const offered = archiveImporterFor(platform)?.collections ?? [];
    const unknown = (options.collections ?? []).filter((name) => !offered.includes(name));
    if (unknown.length > 0) {
      throw invalidFormat(`This archive offers ${offered.join(', ')}`, [{ field: 'options.collections', messages: [`unknown collections: ${unknown.join(', ')}`] }]);
    }
    const planned = options.collections ? held.filter((name) => options.collections?.includes(name)) : held;
    if (planned.length === 0) throw invalidArchive(new InvalidArchiveError('empty', 'The archive holds none of the collections asked for'));
  }

  private progressReporter(userId: string, uploadId: string, request: Request): (receivedBytes: number, fileName: string, final?: boolean) => void {
    const total = Number(request.headers['content-length']);
    const totalBytes = Number.isFinite(total) && total > 0 ? total : null;
    let lastAt = 0;
    let lastPercent = -1;
    return (receivedBytes, fileName, final = false) => {
      const now = Date.now();
      const percent = totalBytes ? Math.floor((receivedBytes / totalBytes) * 100) : -1;
      if (!final && (now - lastAt < PROGRESS_EVERY_MS || (totalBytes !== null && percent === lastPercent))) return;
      lastAt = now;
      lastPercent = percent;
      this.events.publish({ userId, name: 'import:upload', payload: { uploadId, fileName, receivedBytes, totalBytes } });
    };
  }
}
