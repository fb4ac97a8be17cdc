import type { AppConfig } from '../config/app-config';

export const POSTGRES_ENDPOINT = Symbol('POSTGRES_ENDPOINT');

/** How every PostgreSQL client of the app (TypeORM, the queue, health) reaches the database. */
export interface PostgresConnection {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
}

export interface PostgresEndpoint {
  embedded: boolean;
  /** pg connection settings without a pool size: each client picks its own. */
  pool: PostgresConnection;
  /** Largest pool a single client may open; the embedded server accepts only a few connections. */
  maxPool: number;
  stop(): Promise<void>;
}

export async function openPostgresEndpoint(config: AppConfig): Promise<PostgresEndpoint> {
  if (config.databaseUrl) {
    return { embedded: false, pool: { connectionString: config.databaseUrl }, maxPool: 10, stop: async () => {} };
  }
  // Loaded only here: a server-mode process never holds PGlite's code (about 2 MiB).
  const { EmbeddedPostgres } = await import('./embedded-postgres.js');
  const embedded = await EmbeddedPostgres.start(config.dataDir);
  return { embedded: true, pool: { ...embedded.endpoint }, maxPool: 3, stop: () => embedded.stop() };
}
