import type { ExportFormat, ExportStatus, WaitReason } from '@app/contracts';

/** The answer of `POST /api/export/start`. */
export class StartedExportView {
  jobId: string;
  status: ExportStatus;
  platform: string;
  format: ExportFormat;
  createdAt: string;
}

/** The answer of `GET /api/export/:jobId`. */
export class ExportStatusView {
  id: string;
  status: ExportStatus;
  platform: string;
  format: ExportFormat;
  /** 0 to 100. */
  progress: number;
  /** Known or estimated; null until the platform says. */
  totalItems: number | null;
  processedItems: number;
  createdAt: string;
  startedAt: string | null;
  /** From the observed rate; null until there is one. */
  estimatedCompletion: string | null;
  completedAt: string | null;
  /** Why a processing export is waiting, and when it goes on by itself. */
  waitReason: WaitReason | null;
  resumeAt: string | null;
  /** Archive size in bytes, once completed. */
  fileSize: number | null;
  /** When the completed archive is deleted. */
  expiresAt: string | null;
  downloadUrl: string | null;
  error: { code: string; message: string } | null;
  warnings: string[];
}

/** One row of `GET /api/export`. */
export class ExportListItemView {
  id: string;
  platform: string;
  format: ExportFormat;
  status: ExportStatus;
  progress: number;
  totalItems: number | null;
  createdAt: string;
  completedAt: string | null;
  downloadUrl: string | null;
}

export class PaginationView {
  page: number;
  limit: number;
  total: number;
  pages: number;
}

export class ExportListView {
  exports: ExportListItemView[];
  pagination: PaginationView;
}

export class ExportStatsView {
  totalExports: number;
  completedExports: number;
  failedExports: number;
  /** Mean seconds from start to completion of completed exports. */
  averageDuration: number;
  /** Human-readable size of all completed archives, e.g. `15.6GB`. */
  totalDataExported: string;
  /** The same, in bytes. */
  totalBytesExported: number;
  exportsByPlatform: Record<string, number>;
}

/** A link a browser can open without an Authorization header; valid for a few minutes. */
export class DownloadLinkView {
  url: string;
  expiresAt: string;
}
