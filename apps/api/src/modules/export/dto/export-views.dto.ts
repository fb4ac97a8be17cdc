import type { ExportFormat, ExportStatus, WaitReason } from '@app/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiInteger, ApiPlatform, ApiUuid } from '../../../common/openapi/api-formats.decorator';

/** The answer of `POST /api/export/start`. */
export class StartedExportView {
  @ApiUuid() jobId: string;
  status: ExportStatus;
  @ApiPlatform() platform: string;
  format: ExportFormat;
  @ApiDateTime() createdAt: string;
}

/** Why an export failed. */
export class ExportErrorView {
  /** An error code, e.g. `PLATFORM_TOKEN_REJECTED`. */
  code: string;
  message: string;
}

/** The answer of `GET /api/export/:jobId`. */
export class ExportStatusView {
  @ApiUuid() id: string;
  status: ExportStatus;
  @ApiPlatform() platform: string;
  format: ExportFormat;
  @ApiInteger({ minimum: 0, maximum: 100, description: '0 to 100.' }) progress: number;
  @ApiInteger({ nullable: true, description: 'Known or estimated; null until the platform says.' })
  totalItems: number | null;
  @ApiInteger() processedItems: number;
  @ApiDateTime() createdAt: string;
  @ApiDateTime({ nullable: true }) startedAt: string | null;
  @ApiDateTime({ nullable: true, description: 'From the observed rate; null until there is one.' })
  estimatedCompletion: string | null;
  @ApiDateTime({ nullable: true }) completedAt: string | null;
  /** Why a processing export is waiting, and when it goes on by itself. */
  waitReason: WaitReason | null;
  @ApiDateTime({ nullable: true }) resumeAt: string | null;
  @ApiInteger({ nullable: true, description: 'Archive size in bytes, once completed.' }) fileSize: number | null;
  @ApiDateTime({ nullable: true, description: 'When the completed archive is deleted.' }) expiresAt: string | null;
  downloadUrl: string | null;
  /** Set once the export failed. */
  @ApiProperty({ type: ExportErrorView, nullable: true }) error: ExportErrorView | null;
  warnings: string[];
}

/** One row of `GET /api/export`. */
export class ExportListItemView {
  @ApiUuid() id: string;
  @ApiPlatform() platform: string;
  format: ExportFormat;
  status: ExportStatus;
  @ApiInteger({ minimum: 0, maximum: 100 }) progress: number;
  @ApiInteger({ nullable: true }) totalItems: number | null;
  @ApiDateTime() createdAt: string;
  @ApiDateTime({ nullable: true }) completedAt: string | null;
  downloadUrl: string | null;
}

export class PaginationView {
  @ApiInteger() page: number;
  @ApiInteger() limit: number;
  @ApiInteger() total: number;
  @ApiInteger() pages: number;
}

export class ExportListView {
  exports: ExportListItemView[];
  pagination: PaginationView;
}

export class ExportStatsView {
  @ApiInteger() totalExports: number;
  @ApiInteger() completedExports: number;
  @ApiInteger() failedExports: number;
  /** Mean seconds from start to completion of completed exports. */
  averageDuration: number;
  /** Human-readable size of all completed archives, e.g. `15.6GB`. */
  totalDataExported: string;
  @ApiInteger({ description: 'The same, in bytes.' }) totalBytesExported: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  exportsByPlatform: Record<string, number>;
}

/** A link a browser can open without an Authorization header; valid for a few minutes. */
export class DownloadLinkView {
  url: string;
  @ApiDateTime() expiresAt: string;
}
