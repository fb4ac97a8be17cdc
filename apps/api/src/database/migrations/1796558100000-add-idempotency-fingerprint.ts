import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fingerprint of the request body an Idempotency-Key was first used with, so a reuse with another
 * body can be refused. Rows from before have none and are taken as matching any body.
 */
export class AddIdempotencyFingerprint1796558100000 implements MigrationInterface {
  name = 'AddIdempotencyFingerprint1796558100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_jobs ADD COLUMN idempotency_fingerprint text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_jobs DROP COLUMN idempotency_fingerprint`);
  }
}
