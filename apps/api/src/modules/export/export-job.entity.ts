import type { ExportFormat, ExportOptions, ExportStatus, WaitReason } from '@app/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigintAsNumber = { to: (value?: number | null) => value, from: (value?: string | null) => (value == null ? null : Number(value)) };

/**
 * One export: Postgres is the truth about it; the queue only carries its id. Every statement on this
 * table and on `export_checkpoints` lives in ExportJobRepository.
 */
@Entity('export_jobs')
export class ExportJob {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'text' }) platform: string;
  @Column({ type: 'text' }) format: ExportFormat;
  @Column({ type: 'jsonb' }) options: ExportOptions;
  @Column({ type: 'text' }) status: ExportStatus;
  @Column({ type: 'int' }) progress: number;
  @Column({ name: 'total_items', type: 'int', nullable: true }) totalItems: number | null;
  @Column({ name: 'processed_items', type: 'int' }) processedItems: number;
  /** Fencing token: raised by every worker that takes the job; a write with an older one is refused. */
  @Column({ type: 'int' }) attempt: number;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  /** sha256 of the canonical body first sent with `idempotencyKey` (see idempotency-fingerprint.ts). */
  @Column({ name: 'idempotency_fingerprint', type: 'text', nullable: true }) idempotencyFingerprint: string | null;
  @Column({ name: 'estimated_units', type: 'int', nullable: true }) estimatedUnits: number | null;
  @Column({ type: 'jsonb', nullable: true }) account: { id: string; name: string } | null;
  @Column({ type: 'jsonb' }) warnings: string[];
  @Column({ name: 'wait_reason', type: 'text', nullable: true }) waitReason: WaitReason | null;
  @Column({ name: 'resume_at', type: 'timestamptz', nullable: true }) resumeAt: Date | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
  @Column({ name: 'archive_path', type: 'text', nullable: true }) archivePath: string | null;
  @Column({ name: 'file_name', type: 'text', nullable: true }) fileName: string | null;
  @Column({ name: 'file_size', type: 'bigint', nullable: true, transformer: bigintAsNumber }) fileSize: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'estimated_completion', type: 'timestamptz', nullable: true }) estimatedCompletion: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
}

/** Where one collection of one export stands: enough to resume without fetching a page twice. */
@Entity('export_checkpoints')
export class ExportCheckpoint {
  @Column({ name: 'export_id', type: 'uuid', primary: true }) exportId: string;
  @Column({ type: 'text', primary: true }) collection: string;
  /** The attempt whose spool files hold this collection's data. */
  @Column({ name: 'spool_attempt', type: 'int' }) spoolAttempt: number;
  @Column({ type: 'text', nullable: true }) cursor: string | null;
  @Column({ name: 'item_count', type: 'int' }) itemCount: number;
  @Column({ name: 'total_estimate', type: 'int', nullable: true }) totalEstimate: number | null;
  @Column({ name: 'items_bytes', type: 'bigint', transformer: bigintAsNumber }) itemsBytes: number;
  @Column({ name: 'media_bytes', type: 'bigint', transformer: bigintAsNumber }) mediaBytes: number;
  @Column({ name: 'errors_bytes', type: 'bigint', transformer: bigintAsNumber }) errorsBytes: number;
  @Column({ type: 'boolean' }) done: boolean;
}
