import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client, ClientConfig } from 'pg';

/**
 * The two ways the service runs. Embedded: nothing configured, PGlite in the process and the queue on
 * it. Server: DATABASE_URL and REDIS_URL, PostgreSQL and Redis as separate processes.
 */
export const RUNTIME_MODES = ['embedded', 'server'] as const;
export type RuntimeMode = (typeof RUNTIME_MODES)[number];

export const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const DEFAULT_BENCH_REDIS_URL = 'redis://127.0.0.1:6379/14';

/** Where the service of a mode keeps its data, as the bench reaches it. */
export type Runtime = { mode: 'embedded' } | { mode: 'server'; adminUrl: string; redisUrl: string; databases: ScratchDatabases };

/** The PostgreSQL the service on `dataDir` uses: its embedded one over DATA_DIR/run, or its DATABASE_URL. */
export function databaseConfig(dataDir: string, databaseUrl: string | undefined): ClientConfig {
  if (databaseUrl) return { connectionString: databaseUrl };
  return { host: join(dataDir, 'run'), port: 5432, user: 'postgres', password: 'postgres', database: 'postgres' };
}

/** The admin URL, with any password left out, for logs and results. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The databases this run created on the admin connection, one per fresh service, dropped at the end. */
export class ScratchDatabases {
  private readonly names: string[] = [];

  constructor(private readonly adminUrl: string) {}

  get created(): readonly string[] {
    return this.names;
  }

  /** A new empty database; returns the URL the service gets as DATABASE_URL. */
  async create(label: string): Promise<string> {
    const name = `se_bench_${process.pid}_${this.names.length + 1}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
    await withAdmin(this.adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    this.names.push(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async dropAll(): Promise<void> {
    if (this.names.length === 0) return;
    await withAdmin(this.adminUrl, async (client) => {
      for (const name of this.names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    this.names.length = 0;
  }
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Empties the bench's Redis database: jobs, locks and counters of an earlier service must not leak in. */
export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: () => null });
  // connect() only says "Connection is closed"; the error event has the cause (ECONNREFUSED, NOAUTH…).
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.flushdb();
  } catch (error) {
    throw cause ?? error;
  } finally {
    redis.disconnect();
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/\.$/, '');

/**
 * Server mode's PostgreSQL and Redis, from BENCH_DATABASE_URL and BENCH_REDIS_URL: either ready to use,
 * or the reason the mode cannot run (nothing listening, refused credentials, no CREATE DATABASE right).
 */
export async function prepareServerRuntime(env: NodeJS.ProcessEnv): Promise<{ runtime: Runtime } | { skipped: string }> {
  const adminUrl = env.BENCH_DATABASE_URL || DEFAULT_BENCH_DATABASE_URL;
  const redisUrl = env.BENCH_REDIS_URL || DEFAULT_BENCH_REDIS_URL;
  try {
    await withAdmin(adminUrl, async (client) => {
      const { rows } = await client.query<{ allowed: boolean }>(
        `SELECT rolcreatedb OR rolsuper AS allowed FROM pg_roles WHERE rolname = current_user`,
      );
      if (!rows[0]?.allowed) throw new Error('the role may not create databases');
    });
  } catch (error) {
    return { skipped: `PostgreSQL at ${redactUrl(adminUrl)} (BENCH_DATABASE_URL): ${reason(error)}` };
  }
  try {
    await flushRedis(redisUrl);
  } catch (error) {
    return { skipped: `Redis at ${redactUrl(redisUrl)} (BENCH_REDIS_URL): ${reason(error)}` };
  }
  return { runtime: { mode: 'server', adminUrl, redisUrl, databases: new ScratchDatabases(adminUrl) } };
}
