import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../../database/query-rows';

/**
 * Leases in PostgreSQL for tasks one instance of the deployment should run per period: the first
 * instance to claim a free (or expired) lease holds it for `ms`, every other claim fails until then.
 * PostgreSQL rather than Redis, so that a deployment without Redis gets the same guarantee.
 */
@Injectable()
export class MaintenanceLease {
  /** Who holds a lease: readable in the table, unique per process. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True when this instance now holds the lease `name` for `ms`. */
  async claim(name: string, ms: number): Promise<boolean> {
    const rows = await queryRows<{ holder: string }>(
      this.db,
      `INSERT INTO maintenance_leases (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE maintenance_leases.expires_at <= now()
       RETURNING holder`,
      [name, this.holder, ms / 1000],
    );
    return rows.length === 1;
  }
}
