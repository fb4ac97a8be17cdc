import type { JobsOptions } from 'bullmq';

export const EXPORT_QUEUE = 'exports';

/** The queue job carries only the export id: job data sits in clear in Redis or PostgreSQL. */
export interface ExportJobData {
  exportId: string;
}

/**
 * The job id is the export id, so enqueueing twice is harmless. Retryable failures retry with
 * exponential backoff from the last checkpoint; parking (rate limits, quota) does not use attempts.
 */
export const EXPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
