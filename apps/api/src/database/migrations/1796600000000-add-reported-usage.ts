import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage percentage a platform reported itself in the window (Meta's X-App-Usage and
 * X-Business-Use-Case-Usage), shown in the connection's status beside the calls counted here.
 */
export class AddReportedUsage1796600000000 implements MigrationInterface {
  name = 'AddReportedUsage1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE platform_quota_usage ADD COLUMN reported_percent smallint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE platform_quota_usage DROP COLUMN reported_percent`);
  }
}
