import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../../database/query-rows';
import { ExportCheckpoint } from '../export-job.entity';

/** Raised when a write is refused because another worker took the job, or it was cancelled. */
export class StaleAttemptError extends Error {
  constructor(exportId: string, attempt: number) {
    super(`Export ${exportId} is no longer run by attempt ${attempt}`);
  }
}

export interface ProgressFields {
  processedItems: number;
  totalItems: number | null;
  progress: number;
  estimatedCompletion: Date | null;
}

/**
 * Checkpoints and progress, written together in one transaction and fenced by the attempt number: a
 * worker whose lock was taken over (or whose export was cancelled) gets 0 rows and must stop.
 */
@Injectable()
export class CheckpointStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  load(exportId: string): Promise<ExportCheckpoint[]> {
    return this.db.getRepository(ExportCheckpoint).find({ where: { exportId } });
  }

  async save(exportId: string, attempt: number, checkpoint: ExportCheckpoint, progress: ProgressFields): Promise<void> {
    await this.db.transaction(async (manager) => {
      const updated = await queryRows(
        manager,
        `UPDATE export_jobs
            SET processed_items = $3, total_items = $4, progress = $5, estimated_completion = $6,
                wait_reason = NULL, resume_at = NULL
          WHERE id = $1 AND attempt = $2 AND status = 'processing'
          RETURNING id`,
        [exportId, attempt, progress.processedItems, progress.totalItems, progress.progress, progress.estimatedCompletion],
      );
      if (updated.length === 0) throw new StaleAttemptError(exportId, attempt);
      await manager.query(
        `INSERT INTO export_checkpoints
           (export_id, collection, spool_attempt, cursor, item_count, total_estimate, items_bytes, media_bytes, errors_bytes, done)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (export_id, collection) DO UPDATE SET
           spool_attempt = EXCLUDED.spool_attempt, cursor = EXCLUDED.cursor, item_count = EXCLUDED.item_count,
           total_estimate = EXCLUDED.total_estimate, items_bytes = EXCLUDED.items_bytes,
           media_bytes = EXCLUDED.media_bytes, errors_bytes = EXCLUDED.errors_bytes, done = EXCLUDED.done`,
        [
          exportId,
          checkpoint.collection,
          checkpoint.spoolAttempt,
          checkpoint.cursor,
          checkpoint.itemCount,
          checkpoint.totalEstimate,
          checkpoint.itemsBytes,
          checkpoint.mediaBytes,
          checkpoint.errorsBytes,
          checkpoint.done,
        ],
      );
    });
  }
}
