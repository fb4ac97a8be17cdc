/** Where an export stands; `GET /api/export?status=` filters by these. */
export const EXPORT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;

export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Statuses of an export that has not ended yet: it counts against the per-user cap and can be cancelled. */
export const ACTIVE_EXPORT_STATUSES: readonly ExportStatus[] = ['queued', 'processing'];

/**
 * Why a processing export is not moving right now, shown with `resumeAt`: the platform asks it to
 * slow down (`rate_limited`), the platform is down (`platform_unavailable`, 5xx answers), the quota
 * window is spent, the server's storage is full, or the worker running it is restarting.
 */
export const WAIT_REASONS = ['rate_limited', 'platform_unavailable', 'quota_exceeded', 'storage_full', 'restarting'] as const;

export type WaitReason = (typeof WAIT_REASONS)[number];
