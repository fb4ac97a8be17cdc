/** Where an export stands; `GET /api/export?status=` filters by these. */
export const EXPORT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;

export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Statuses of an export that has not ended yet: it counts against the per-user cap and can be cancelled. */
export const ACTIVE_EXPORT_STATUSES: readonly ExportStatus[] = ['queued', 'processing'];

/** Why a processing export is not moving right now, shown with `resumeAt`. */
export const WAIT_REASONS = ['rate_limited', 'quota_exceeded', 'restarting'] as const;

export type WaitReason = (typeof WAIT_REASONS)[number];
