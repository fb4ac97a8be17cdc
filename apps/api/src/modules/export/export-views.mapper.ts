import type { ExportJob } from './export-job.entity';
import type { ExportListItemView, ExportStatusView, StartedExportView } from './dto/export-views.dto';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The spec's plain download path; browsers use a signed link from the download-link route. */
export const downloadPath = (job: Pick<ExportJob, 'id'>): string => `/api/export/${job.id}/download`;

const downloadUrlOf = (job: ExportJob): string | null =>
  job.status === 'completed' && job.archivePath ? downloadPath(job) : null;

export function startedView(job: ExportJob): StartedExportView {
  return { jobId: job.id, status: job.status, platform: job.platform, format: job.format, createdAt: job.createdAt.toISOString() };
}

export function statusView(job: ExportJob): ExportStatusView {
  return {
    id: job.id,
    status: job.status,
    platform: job.platform,
    format: job.format,
    progress: job.progress,
    totalItems: job.totalItems,
    processedItems: job.processedItems,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    estimatedCompletion: job.status === 'processing' ? iso(job.estimatedCompletion) : null,
    completedAt: iso(job.completedAt),
    waitReason: job.status === 'processing' ? job.waitReason : null,
    resumeAt: job.status === 'processing' ? iso(job.resumeAt) : null,
    fileSize: job.archivePath ? job.fileSize : null,
    expiresAt: job.archivePath ? iso(job.expiresAt) : null,
    downloadUrl: downloadUrlOf(job),
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
    warnings: job.warnings,
  };
}

export function listItemView(job: ExportJob): ExportListItemView {
  return {
    id: job.id,
    platform: job.platform,
    format: job.format,
    status: job.status,
    progress: job.progress,
    totalItems: job.totalItems,
    createdAt: job.createdAt.toISOString(),
    completedAt: iso(job.completedAt),
    downloadUrl: downloadUrlOf(job),
  };
}
