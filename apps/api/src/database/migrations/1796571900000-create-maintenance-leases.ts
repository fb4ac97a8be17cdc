import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster-wide leases for periodic tasks (the retention cleanup): the instance that claims a lease
 * runs the task, the others skip it until the lease expires.
 */
export class CreateMaintenanceLeases1796571900000 implements MigrationInterface {
  name = 'CreateMaintenanceLeases1796571900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE maintenance_leases (name text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE maintenance_leases`);
  }
}
