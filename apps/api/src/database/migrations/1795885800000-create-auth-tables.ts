import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, refresh-token families and pending Google sign-ins. Plain SQL that runs on PostgreSQL 15
 * and on PGlite (PostgreSQL 18); `gen_random_uuid()` is core PostgreSQL since 13.
 */
export class CreateAuthTables1795885800000 implements MigrationInterface {
  name = 'CreateAuthTables1795885800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text,
        google_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Emails are stored normalised (trimmed, lower-case, NFC), so a plain unique index is the
    // case-insensitive uniqueness rule, and it holds under concurrent registrations.
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_google_id_key ON users (google_id)`);

    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        parent_id uuid REFERENCES refresh_tokens (id) ON DELETE CASCADE,
        secret_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        revoked_at timestamptz,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id)`);
    // A token has at most one successor: the grace period hands that one out again.
    await queryRunner.query(`CREATE UNIQUE INDEX refresh_tokens_parent_id_key ON refresh_tokens (parent_id)`);

    await queryRunner.query(`
      CREATE TABLE oauth_states (
        nonce uuid PRIMARY KEY,
        code_verifier text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oauth_states`);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
