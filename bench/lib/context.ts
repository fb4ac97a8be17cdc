import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from './api';
import type { CpuPlan } from './cpu';
import type { RunningSandbox } from './sandbox';
import { ServiceProcess, freePort } from './service';

/** What every figure gets: where things are, how processes are pinned, the sandbox, a logger. */
export interface BenchContext {
  root: string;
  /** Compiled bench scripts (dist/bench/bench). */
  distDir: string;
  workDir: string;
  cpu: CpuPlan;
  quick: boolean;
  logLevel: string;
  sandbox: RunningSandbox;
  log(line: string): void;
}

export interface RunningService {
  service: ServiceProcess;
  api: ApiClient;
  dataDir: string;
  bootMs: number;
}

/** A fresh service with an empty DATA_DIR of its own, pointed at the sandbox. */
export async function bootService(ctx: BenchContext, label: string): Promise<RunningService> {
  const dataDir = mkdtempSync(join(ctx.workDir, `${label}-`));
  return restartService(ctx, dataDir);
}

/** A service on an existing DATA_DIR (a restart after a crash keeps the same port and data). */
export async function restartService(ctx: BenchContext, dataDir: string, port?: number): Promise<RunningService> {
  const { service, bootMs } = await ServiceProcess.start({
    root: ctx.root,
    dataDir,
    port: port ?? (await freePort()),
    cpu: ctx.cpu,
    logLevel: ctx.logLevel,
    env: {
      ...ctx.sandbox.env,
      // Each simulated user gets its own client address (X-Forwarded-For) for the 5/s sign-up limit.
      TRUST_PROXY: '1',
      // A full run lasts longer than the default 15-minute access token.
      JWT_ACCESS_TTL: '6h',
    },
  });
  ctx.log(`  service up on ${service.url} (pid ${service.pid}, boot ${(bootMs / 1000).toFixed(1)} s, ${dataDir})`);
  return { service, api: new ApiClient(service.url), dataDir, bootMs };
}
