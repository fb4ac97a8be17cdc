import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ExportFormat, ExportOptions, ExportStatus, WaitReason } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';
import { queryRows } from '../../database/query-rows';
import { ExportCheckpoint, ExportJob } from './export-job.entity';
import type { CheckpointStore, ProgressFields } from './pipeline/checkpoint-store';

/** `SELECT` of one owned job, with every column of the entity under its property name. */
function ownedJobStatement(db: DataSource): { sql: string; hydrate: (row: Record<string, unknown>) => ExportJob } {
  const columns = db.getMetadata(ExportJob).columns;
  const list = columns.map((column) => `"${column.databaseName}" AS "${column.propertyName}"`).join(', ');
  const transformed = columns.filter((column) => column.transformer !== undefined);
  return {
    sql: `SELECT ${list} FROM export_jobs WHERE id = $1 AND user_id = $2`,
    hydrate: (row) => {
      for (const column of transformed) {
        row[column.propertyName] = ApplyValueTransformers.transformFrom(column.transformer!, row[column.propertyName]);
      }
      return Object.assign(new ExportJob(), row);
    },
  };
}

/** Raised when a write is refused because another worker took the job, or it was cancelled. */
export class StaleAttemptError extends Error {
  constructor(exportId: string, attempt: number) {
    super(`Export ${exportId} is no longer run by attempt ${attempt}`);
  }
}

/** A new export as the producer checked it. */
export interface NewExport {
  userId: string;
  platform: string;
  format: ExportFormat;
  options: ExportOptions;
  totalItems: number | null;
  estimatedUnits: number | null;
  idempotencyKey: string | null;
  /** What the key was first used for (see idempotency-fingerprint.ts). */
  idempotencyFingerprint: string | null;
}

export type InsertResult =
  | { outcome: 'created'; job: ExportJob }
  /** An export with the same Idempotency-Key already exists: that one is the answer. */
  | { outcome: 'existing'; job: ExportJob }
  /** The user already has as many active exports as allowed; nothing was written. */
  | { outcome: 'too_many' };

export interface ExportListFilter {
  status?: ExportStatus;
  platform?: string;
  page: number;
  limit: number;
}

export interface ExportTotals {
  total: number;
  completed: number;
  failed: number;
  /** Mean seconds from start to completion of completed exports; 0 without any. */
  averageSeconds: number;
  /** Bytes of all completed archives. */
  bytes: number;
  byPlatform: Record<string, number>;
}

export interface CompletedArchive {
  path: string;
  fileName: string;
  fileSize: number;
  retentionDays: number;
  /** What the user should know about gaps, as the manifest lists it. */
  warnings: string[];
}

/**
 * Every statement on `export_jobs` and `export_checkpoints`. Writes made by a worker are fenced by the
 * attempt number it took (`activate`): a worker whose lock was taken over, or whose export was
 * cancelled, matches no row, and the caller learns it from the result.
 */
@Injectable()
export class ExportJobRepository implements CheckpointStore {
  private ownedStatement?: ReturnType<typeof ownedJobStatement>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // ---- What users read back

  /**
   * Every status request reads one row: a plain statement and a flat copy, without the entity
   * machinery's query building and hydration, which cost more than the query itself.
   */
  async findOwned(userId: string, id: string): Promise<ExportJob | null> {
    this.ownedStatement ??= ownedJobStatement(this.db);
    const [row] = await this.db.query<Record<string, unknown>[]>(this.ownedStatement.sql, [id, userId]);
    return row ? this.ownedStatement.hydrate(row) : null;
  }

  findById(id: string): Promise<ExportJob | null> {
    return this.db.getRepository(ExportJob).findOneBy({ id });
  }

  /** The export an earlier start with this Idempotency-Key created, if any. */
  findByIdempotencyKey(userId: string, idempotencyKey: string, manager: EntityManager = this.db.manager): Promise<ExportJob | null> {
    return manager.getRepository(ExportJob).findOneBy({ userId, idempotencyKey });
  }

  /** Newest first. */
  async page(userId: string, filter: ExportListFilter): Promise<{ jobs: ExportJob[]; total: number }> {
    const [jobs, total] = await this.db.getRepository(ExportJob).findAndCount({
      where: { userId, ...(filter.status ? { status: filter.status } : {}), ...(filter.platform ? { platform: filter.platform } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (filter.page - 1) * filter.limit,
      take: filter.limit,
    });
    return { jobs, total };
  }

  /** The user's queued and processing exports, oldest first. */
  active(userId: string): Promise<ExportJob[]> {
    return this.db.getRepository(ExportJob).find({
      where: [
        { userId, status: 'queued' },
        { userId, status: 'processing' },
      ],
      order: { createdAt: 'ASC' },
    });
  }

  async totals(userId: string): Promise<ExportTotals> {
    const [totals]: { total: string; completed: string; failed: string; average: string | null; bytes: string | null }[] = await this.db.query(
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
    return {
      total: Number(totals.total),
      completed: Number(totals.completed),
      failed: Number(totals.failed),
      averageSeconds: Number(totals.average ?? 0),
      bytes: Number(totals.bytes ?? 0),
      byPlatform: Object.fromEntries(byPlatform.map((row) => [row.platform, Number(row.count)])),
    };
  }

  // ---- The producer

  /**
   * Inserts a queued export unless the user is at the cap of active exports. Serialised per user, so
   * two concurrent starts cannot both pass the cap, nor both create an export for one Idempotency-Key.
   */
  async insert(draft: NewExport, maxActivePerUser: number): Promise<InsertResult> {
    return this.db.transaction(async (manager): Promise<InsertResult> => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [draft.userId]);
      if (draft.idempotencyKey) {
        const existing = await this.findByIdempotencyKey(draft.userId, draft.idempotencyKey, manager);
        if (existing) return { outcome: 'existing', job: existing };
      }
      const [{ active }]: { active: string }[] = await manager.query(
        `SELECT count(*) AS active FROM export_jobs WHERE user_id = $1 AND status IN ('queued', 'processing')`,
        [draft.userId],
      );
      if (Number(active) >= maxActivePerUser) return { outcome: 'too_many' };
      const repository = manager.getRepository(ExportJob);
      const job = await repository.save(
        repository.create({
          ...draft,
          status: 'queued',
          progress: 0,
          processedItems: 0,
          attempt: 0,
          account: null,
          warnings: [],
        }),
      );
      return { outcome: 'created', job };
    });
  }

  /** Cancels a queued or processing export; false when it had already ended. */
  async cancel(id: string): Promise<boolean> {
    const cancelled = await queryRows(
      this.db,
      `UPDATE export_jobs SET status = 'cancelled', completed_at = now(), wait_reason = NULL, resume_at = NULL
        WHERE id = $1 AND status IN ('queued', 'processing') RETURNING id`,
      [id],
    );
    return cancelled.length > 0;
  }

  // ---- The worker

  /**
   * Takes the export for a worker: raises the fencing token; undefined when there is nothing to run.
   * `waited` is the wait this run ends (the export was parked), so its subscribers can hear it resume.
   */
  async activate(id: string): Promise<{ job: ExportJob; waited: WaitReason | null } | undefined> {
    const rows = await queryRows<{ id: string; waited: WaitReason | null }>(
      this.db,
      // The earlier wait comes from a locked read joined in: a sub-select of a CTE in RETURNING reads
      // the row as updated (NULL), so a resumed export never announced its resume.
      `UPDATE export_jobs
          SET attempt = export_jobs.attempt + 1, status = 'processing', started_at = coalesce(export_jobs.started_at, now()),
              wait_reason = NULL, resume_at = NULL
         FROM (SELECT id, wait_reason FROM export_jobs WHERE id = $1 FOR UPDATE) AS before
        WHERE export_jobs.id = before.id AND export_jobs.status IN ('queued', 'processing')
        RETURNING export_jobs.id, before.wait_reason AS waited`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const job = await this.findById(id);
    return job ? { job, waited: rows[0].waited } : undefined;
  }

  async recordAccount(job: Pick<ExportJob, 'id' | 'attempt'>, account: { id: string; name: string }): Promise<void> {
    await this.db.query(`UPDATE export_jobs SET account = $3 WHERE id = $1 AND attempt = $2`, [job.id, job.attempt, JSON.stringify(account)]);
  }

  /** Why a processing export waits and until when (shown in its status until the next page). */
  async recordWait(job: Pick<ExportJob, 'id' | 'attempt'>, reason: WaitReason, until: Date): Promise<void> {
    await this.db.query(
      `UPDATE export_jobs SET wait_reason = $3, resume_at = $4 WHERE id = $1 AND attempt = $2 AND status = 'processing'`,
      [job.id, job.attempt, reason, until],
    );
  }

  loadCheckpoints(exportId: string): Promise<ExportCheckpoint[]> {
    return this.db.getRepository(ExportCheckpoint).find({ where: { exportId } });
  }

  /** The checkpoint and the progress counters, in one transaction; StaleAttemptError when fenced off. */
  async saveCheckpoint(exportId: string, attempt: number, checkpoint: ExportCheckpoint, progress: ProgressFields): Promise<void> {
    // One statement, so one round trip per page: the checkpoint is written only through the row this
    // attempt still owns, and both changes commit together or not at all.
    const saved = await queryRows(
      this.db,
      `WITH owned AS (
         UPDATE export_jobs
            SET processed_items = $3, total_items = $4, progress = $5, estimated_completion = $6,
                wait_reason = NULL, resume_at = NULL
          WHERE id = $1 AND attempt = $2 AND status = 'processing'
          RETURNING id
       )
       INSERT INTO export_checkpoints
         (export_id, collection, spool_attempt, cursor, item_count, total_estimate, items_bytes, media_bytes, errors_bytes, done)
       SELECT id, $7::text, $8::integer, $9::text, $10::integer, $11::integer, $12::bigint, $13::bigint, $14::bigint, $15::boolean FROM owned
       ON CONFLICT (export_id, collection) DO UPDATE SET
         spool_attempt = EXCLUDED.spool_attempt, cursor = EXCLUDED.cursor, item_count = EXCLUDED.item_count,
         total_estimate = EXCLUDED.total_estimate, items_bytes = EXCLUDED.items_bytes,
         media_bytes = EXCLUDED.media_bytes, errors_bytes = EXCLUDED.errors_bytes, done = EXCLUDED.done
       RETURNING export_id`,
      [
        exportId,
        attempt,
        progress.processedItems,
        progress.totalItems,
        progress.progress,
        progress.estimatedCompletion,
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
    if (saved.length === 0) throw new StaleAttemptError(exportId, attempt);
  }

  /** Marks the export completed with its archive; false when this attempt no longer owns it. */
  async complete(job: Pick<ExportJob, 'id' | 'attempt'>, archive: CompletedArchive): Promise<boolean> {
    const completed = await queryRows(
      this.db,
      `UPDATE export_jobs
          SET status = 'completed', progress = 100, archive_path = $3, file_size = $4, file_name = $5,
              completed_at = now(), estimated_completion = NULL, expires_at = now() + make_interval(days => $6),
              warnings = $7
        WHERE id = $1 AND attempt = $2 AND status = 'processing'
        RETURNING id`,
      [job.id, job.attempt, archive.path, archive.fileSize, archive.fileName, archive.retentionDays, JSON.stringify(archive.warnings)],
    );
    return completed.length > 0;
  }

  /** Marks the export failed for good; false when this attempt no longer owns it. */
  async fail(job: Pick<ExportJob, 'id' | 'attempt'>, code: string, message: string): Promise<boolean> {
    const failed = await queryRows(
      this.db,
      `UPDATE export_jobs SET status = 'failed', error_code = $3, error_message = $4, completed_at = now(),
              estimated_completion = NULL, wait_reason = NULL, resume_at = NULL
        WHERE id = $1 AND attempt = $2 AND status = 'processing' RETURNING id`,
      [job.id, job.attempt, code, message],
    );
    return failed.length > 0;
  }

  // ---- Maintenance

  /** Queued and processing exports, oldest first, with when a parked one goes on. */
  async unfinished(): Promise<{ id: string; resumeAt: Date | null }[]> {
    const rows: { id: string; resume_at: Date | null }[] = await this.db.query(
      `SELECT id, resume_at FROM export_jobs WHERE status IN ('queued', 'processing') ORDER BY created_at`,
    );
    return rows.map((row) => ({ id: row.id, resumeAt: row.resume_at }));
  }

  /** Archives past their retention that are still on disk. */
  async expiredArchives(): Promise<{ id: string; archivePath: string }[]> {
    const rows: { id: string; archive_path: string }[] = await this.db.query(
      `SELECT id, archive_path FROM export_jobs WHERE archive_path IS NOT NULL AND expires_at < now()`,
    );
    return rows.map((row) => ({ id: row.id, archivePath: row.archive_path }));
  }

  /** The archive was deleted; the row stays, so the history and stats keep the export. */
  async forgetArchive(id: string): Promise<void> {
    await this.db.query(`UPDATE export_jobs SET archive_path = NULL WHERE id = $1`, [id]);
  }
}
