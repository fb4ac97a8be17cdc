import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { seedEmbeddedDatabase } from './embedded-database-seed';
import { freePort } from './redis-server';
import { ServiceProcess } from './service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from './test-app';

const root = join(__dirname, '../..');

/** What a restarted embedded service logs when it takes back an export its killed run left running. */
export const takenBackOnStart = (exportId: string): string => `resuming the export(s) it was running: ${exportId}`;

export interface FleetOptions {
  /** Added to every process's environment (a sandbox's URLs, tuning). */
  env?: NodeJS.ProcessEnv;
  /** Prefix of the shared DATA_DIR's name. */
  dataDirPrefix?: string;
}

/**
 * The compiled service as a deployment runs it: processes sharing one DATA_DIR, one PUBLIC_URL and one
 * pair of secrets. In server mode they also share a scratch database and the test Redis (REDIS_URL from
 * the environment, flushed once here), and the API and the workers are separate processes
 * (APP_ROLE=api and worker). In embedded mode one process (APP_ROLE=all) is both.
 */
export class ServiceFleet {
  private readonly processes: ServiceProcess[] = [];
  /** Where the API answers; in embedded mode the current worker itself. */
  api!: ServiceProcess;
  /** The process that runs exports now. */
  worker!: ServiceProcess;

  private constructor(
    readonly dataDir: string,
    /** Whether API and workers are processes of their own (server mode). */
    readonly split: boolean,
    private readonly env: NodeJS.ProcessEnv,
    private readonly database: { url: string; drop(): Promise<void> } | undefined,
  ) {}

  /** Builds the service if needed and starts the API and a worker (one process in embedded mode). */
  static async start(options: FleetOptions = {}): Promise<ServiceFleet> {
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
    const database = serverMode() ? await createScratchDatabase() : undefined;
    if (database && process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
    const port = await freePort();
    const fleet = new ServiceFleet(
      tempDir(options.dataDirPrefix ?? 'se-fleet-'),
      database !== undefined,
      {
        TRUST_PROXY: '1',
        // Access tokens name PUBLIC_URL as their issuer: every instance must agree on it, as behind a load balancer.
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ...options.env,
        ...(database ? { DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL } : {}),
      },
      database,
    );
    try {
      if (!database) await seedEmbeddedDatabase(fleet.dataDir);
      fleet.api = await fleet.startProcess(fleet.split ? 'api' : 'all', port);
      fleet.worker = fleet.split ? await fleet.startProcess('worker') : fleet.api;
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /** One more API instance (server mode only: embedded mode is one process by design). */
  addApi(): Promise<ServiceProcess> {
    if (!this.split) throw new Error('several API instances need server mode');
    return this.startProcess('api');
  }

  /**
   * A new worker in place of the killed one. In embedded mode the whole service again, on the same
   * DATA_DIR and port, which then is the API too.
   */
  async replaceWorker(): Promise<ServiceProcess> {
    const next = await this.startProcess(this.split ? 'worker' : 'all', this.split ? undefined : this.api.port);
    if (!this.split) this.api = next;
    this.worker = next;
    return next;
  }

  /** Kills every process, drops the database and removes DATA_DIR. */
  async close(): Promise<void> {
    for (const service of this.processes) await service.kill();
    await this.database?.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async startProcess(role: 'all' | 'api' | 'worker', port?: number): Promise<ServiceProcess> {
    const service = await ServiceProcess.start({ ...this.env, DATA_DIR: this.dataDir, APP_ROLE: role }, port);
    this.processes.push(service);
    return service;
  }
}
