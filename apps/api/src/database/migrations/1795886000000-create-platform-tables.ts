import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform connections, their quota ledger, and pending server-side OAuth connects. */
export class CreatePlatformTables1795886000000 implements MigrationInterface {
  name = 'CreatePlatformTables1795886000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE platform_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        platform text NOT NULL,
        account_id text NOT NULL,
        account_name text NOT NULL,
        permissions jsonb NOT NULL DEFAULT '[]',
        credentials text NOT NULL,
        token_expiry timestamptz,
        state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'needs_reconnect')),
        state_reason text,
        last_sync timestamptz,
        connected_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX platform_connections_user_platform_key ON platform_connections (user_id, platform)`);

    // Keyed by user and platform, not by connection: reconnecting must not reset what was spent.
    await queryRunner.query(`
      CREATE TABLE platform_quota_usage (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        platform text NOT NULL,
        bucket text NOT NULL,
        resets_at timestamptz NOT NULL,
        units bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, platform, bucket, resets_at)
      )`);

    await queryRunner.query(`
      CREATE TABLE platform_oauth_states (
        nonce text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        platform text NOT NULL,
        code_verifier text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE platform_oauth_states`);
    await queryRunner.query(`DROP TABLE platform_quota_usage`);
    await queryRunner.query(`DROP TABLE platform_connections`);
  }
}
