import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { ApiClient } from './api';
import type { CpuPlan } from './cpu';
import { Runtime, databaseConfig, flushRedis } from './runtime';
import type { RunningSandbox } from './sandbox';
import { ServiceProcess, freePort } from './service';

/** What every figure gets: where things are, how processes are pinned, the runtime mode, the sandbox, a logger. */
export interface BenchContext {
  root: string;
  /** Compiled bench scripts (dist/bench/bench). */
  distDir: string;
  workDir: string;
  cpu: CpuPlan;
  quick: boolean;
  logLevel: string;
  /** Embedded or server mode: every service the figures boot runs in it. */
  runtime: Runtime;
  sandbox: RunningSandbox;
  log(line: string): void;
}

export interface RunningService {
  service: ServiceProcess;
  api: ApiClient;
  dataDir: string;
  /** Server mode: the scratch database the service has as DATABASE_URL. */
  databaseUrl?: string;
  /** The service's PostgreSQL, for fixtures and the anchor: embedded over DATA_DIR/run, or DATABASE_URL. */
  database: ClientConfig;
  bootMs: number;
}

/**
 * A fresh service with an empty DATA_DIR of its own, pointed at the sandbox; in server mode also with
 * an empty scratch database and the bench's Redis database emptied, as fresh as an embedded one.
 */
export async function bootService(ctx: BenchContext, label: string): Promise<RunningService> {
  const dataDir = mkdtempSync(join(ctx.workDir, `${ctx.runtime.mode}-${label}-`));
  let databaseUrl: string | undefined;
  if (ctx.runtime.mode === 'server') {
    databaseUrl = await ctx.runtime.databases.create(label);
    await flushRedis(ctx.runtime.redisUrl);
  }
  return startService(ctx, dataDir, databaseUrl);
}

/** The same service again after a crash: same DATA_DIR, port, database and Redis. */
export async function restartService(ctx: BenchContext, previous: RunningService): Promise<RunningService> {
  return startService(ctx, previous.dataDir, previous.databaseUrl, previous.service.options.port);
}

async function startService(ctx: BenchContext, dataDir: string, databaseUrl: string | undefined, port?: number): Promise<RunningService> {
  const runtimeEnv: Record<string, string> = ctx.runtime.mode === 'server' && databaseUrl ? { DATABASE_URL: databaseUrl, REDIS_URL: ctx.runtime.redisUrl } : {};
  const { service, bootMs } = await ServiceProcess.start({
    root: ctx.root,
    dataDir,
    port: port ?? (await freePort()),
    cpu: ctx.cpu,
    logLevel: ctx.logLevel,
    env: {
      ...ctx.sandbox.env,
      ...runtimeEnv,
      // Each simulated user gets its own client address (X-Forwarded-For) for the 5/s sign-up limit.
      TRUST_PROXY: '1',
      // A full run lasts longer than the default 15-minute access token.
      JWT_ACCESS_TTL: '6h',
    },
  });
  const where = databaseUrl ? `${dataDir}, database ${new URL(databaseUrl).pathname.slice(1)}` : dataDir;
  ctx.log(`  service up on ${service.url} (${ctx.runtime.mode} mode, pid ${service.pid}, boot ${(bootMs / 1000).toFixed(1)} s, ${where})`);
  return { service, api: new ApiClient(service.url), dataDir, databaseUrl, database: databaseConfig(dataDir, databaseUrl), bootMs };
}
