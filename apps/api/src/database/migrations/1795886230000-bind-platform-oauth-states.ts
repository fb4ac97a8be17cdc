import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Binds each pending platform OAuth connect to the browser that started it: the row keeps the hash of
 * the nonce cookie that browser holds. The key column is renamed to what it holds, the OAuth state. Pending rows from before were bound to nothing and are dropped;
 * those users simply start connecting again.
 */
export class BindPlatformOAuthStates1795886230000 implements MigrationInterface {
  name = 'BindPlatformOAuthStates1795886230000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM platform_oauth_states`);
    await queryRunner.query(`ALTER TABLE platform_oauth_states RENAME COLUMN nonce TO state`);
    await queryRunner.query(`ALTER TABLE platform_oauth_states ADD COLUMN browser_binding_hash text NOT NULL`);
    // Platforms without PKCE have no verifier to keep.
    await queryRunner.query(`ALTER TABLE platform_oauth_states ALTER COLUMN code_verifier DROP NOT NULL`);
    await queryRunner.query(`CREATE INDEX platform_oauth_states_expires_at_idx ON platform_oauth_states (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX platform_oauth_states_expires_at_idx`);
    await queryRunner.query(`DELETE FROM platform_oauth_states`);
    await queryRunner.query(`ALTER TABLE platform_oauth_states ALTER COLUMN code_verifier SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE platform_oauth_states DROP COLUMN browser_binding_hash`);
    await queryRunner.query(`ALTER TABLE platform_oauth_states RENAME COLUMN state TO nonce`);
  }
}
