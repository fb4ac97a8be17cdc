import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVICE_ENV, SERVICE_NODE_ARGS } from '../../apps/api/src/launch-settings';
import { CpuPlan, serverCommand } from './cpu';
import { rssBytes } from './proc';

/**
 * Configuration variables a developer's shell may hold that would change the mode under test; server
 * mode sets DATABASE_URL and REDIS_URL again from the bench's own (ServiceStart.env).
 */
const SCRUBBED = [
  'DATABASE_URL',
  'REDIS_URL',
  'APP_ROLE',
  'STORAGE_DIR',
  'PUBLIC_URL',
  'NODE_ENV',
  'JWT_SECRET',
  'TOKEN_ENCRYPTION_KEY',
  'TOKEN_ENCRYPTION_PREVIOUS_KEYS',
  'FRONTEND_URL',
  'EXPORT_MAX_ACTIVE',
  'EXPORT_RETENTION_DAYS',
  'SHUTDOWN_TIMEOUT_MS',
  'LOG_LEVEL',
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceStart {
  root: string;
  dataDir: string;
  port: number;
  cpu: CpuPlan;
  /** Sandbox URLs, server mode's DATABASE_URL and REDIS_URL, and any other variables. */
  env: Record<string, string>;
  logLevel: string;
}

/**
 * The built Star Export service (dist/apps/api/src/main.js) as a child process, all roles in one,
 * with its own DATA_DIR: embedded mode unless `env` names a database and Redis; its output goes
 * straight to DATA_DIR/service.log.
 */
export class ServiceProcess {
  readonly url: string;
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly options: ServiceStart,
    readonly logPath: string,
  ) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  static async start(options: ServiceStart, timeoutMs = 180_000): Promise<{ service: ServiceProcess; bootMs: number }> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of SCRUBBED) delete env[name];
    Object.assign(env, {
      ...options.env,
      DATA_DIR: options.dataDir,
      PORT: String(options.port),
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      LOG_LEVEL: options.logLevel,
      // As `npm start` runs it, so the memory figures measure the service as it is run.
      ...SERVICE_ENV,
    });
    const logPath = join(options.dataDir, 'service.log');
    const log = openSync(logPath, 'a');
    const { command, args } = serverCommand(options.cpu, [...SERVICE_NODE_ARGS, join(options.root, 'dist/apps/api/src/main.js')]);
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.root, env, stdio: ['ignore', log, log] });
    closeSync(log);
    const service = new ServiceProcess(child, options, logPath);
    await service.waitReady(timeoutMs);
    return { service, bootMs: performance.now() - started };
  }

  /** Until the HTTP port answers anything at all. */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`the service exited during start-up (code ${String(this.exitCode)}):\n${this.logTail()}`);
      try {
        const response = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`the service did not answer within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  rss(): number | undefined {
    return rssBytes(this.pid);
  }

  /** kill -9: no shutdown hooks, no checkpoint, locks left to expire. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and the service's own graceful shutdown; SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
