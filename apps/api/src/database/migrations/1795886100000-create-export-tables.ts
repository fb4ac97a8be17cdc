import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Export jobs and their per-collection checkpoints. */
export class CreateExportTables1795886100000 implements MigrationInterface {
  name = 'CreateExportTables1795886100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE export_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        platform text NOT NULL,
        format text NOT NULL,
        options jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
        progress integer NOT NULL DEFAULT 0,
        total_items integer,
        processed_items integer NOT NULL DEFAULT 0,
        attempt integer NOT NULL DEFAULT 0,
        idempotency_key text,
        estimated_units integer,
        account jsonb,
        warnings jsonb NOT NULL DEFAULT '[]',
        wait_reason text,
        resume_at timestamptz,
        error_code text,
        error_message text,
        archive_path text,
        file_name text,
        file_size bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        estimated_completion timestamptz,
        completed_at timestamptz,
        expires_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX export_jobs_user_created_idx ON export_jobs (user_id, created_at DESC)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX export_jobs_idempotency_key ON export_jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX export_jobs_active_idx ON export_jobs (status) WHERE status IN ('queued', 'processing')`);
    await queryRunner.query(`CREATE INDEX export_jobs_expires_idx ON export_jobs (expires_at) WHERE expires_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE export_checkpoints (
        export_id uuid NOT NULL REFERENCES export_jobs (id) ON DELETE CASCADE,
        collection text NOT NULL,
        spool_attempt integer NOT NULL,
        cursor text,
        item_count integer NOT NULL DEFAULT 0,
        total_estimate integer,
        items_bytes bigint NOT NULL DEFAULT 0,
        media_bytes bigint NOT NULL DEFAULT 0,
        errors_bytes bigint NOT NULL DEFAULT 0,
        done boolean NOT NULL DEFAULT false,
        PRIMARY KEY (export_id, collection)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE export_checkpoints`);
    await queryRunner.query(`DROP TABLE export_jobs`);
  }
}
