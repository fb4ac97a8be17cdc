import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { SERVICE_ENV, SERVICE_NODE_ARGS } from '../../apps/api/src/launch-settings';
import { listFiles } from './archive';
import type { Service } from './export-client';
import { sleep } from './pacing';
import { freePort } from './redis-server';

const root = join(__dirname, '../..');

/** The compiled service as `npm start` runs it, in a process of its own. */
export class ServiceProcess implements Service {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
  }

  /** On `port` when given: access tokens name the service's URL as issuer, so a restart keeps its port. */
  static async start(env: NodeJS.ProcessEnv, port?: number): Promise<ServiceProcess> {
    port ??= await freePort();
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, join(root, 'dist/apps/api/src/main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...SERVICE_ENV, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`);
    try {
      await service.healthy();
    } catch (error) {
      await service.kill();
      throw error;
    }
    return service;
  }

  /** Waits until /api/health answers; fails with the process's output if it exits or never does. */
  private async healthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`the service exited with ${this.child.exitCode}:\n${this.output}`);
      const res = await request(this.url)
        .get('/api/health')
        .catch(() => undefined);
      if (res?.status === 200) return;
      // Under the general rate limit (100 requests a minute per client address).
      await sleep(700);
    }
    throw new Error(`the service did not become healthy:\n${this.output}`);
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs, no checkpoint is written, locks are left to expire. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await exited;
  }
}

/** Files under `dir` whose name ends in `.part`: a download or archive some run left half-written. */
export const partFiles = (dir: string): string[] => {
  try {
    return listFiles(dir).filter((name) => name.endsWith('.part'));
  } catch {
    return [];
  }
};
