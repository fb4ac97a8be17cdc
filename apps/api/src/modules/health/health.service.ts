import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { hasRoomForExport } from '../../common/free-space';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../common/private-files';
import { ShutdownState } from '../../common/shutdown-state';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { HealthReport } from './health.dto';

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly shutdown: ShutdownState,
  ) {}

  beforeApplicationShutdown(): void {
    // Load balancers stop sending traffic to an instance that says it is going away.
    this.shutdown.begin();
  }

  async report(): Promise<HealthReport> {
    const [database, redis, storage] = await Promise.all([this.database(), this.redisStatus(), this.storage()]);
    const healthy = !this.shutdown.draining && database === 'connected' && redis !== 'disconnected' && storage === 'available';
    return {
      status: healthy ? 'healthy' : 'degraded',
      version: this.config.version,
      uptime: Math.floor(process.uptime()),
      services: { database, redis, storage },
    };
  }

  private async database(): Promise<HealthReport['services']['database']> {
    return (await succeeds(() => this.dataSource.query('SELECT 1'))) ? 'connected' : 'disconnected';
  }

  private async redisStatus(): Promise<HealthReport['services']['redis']> {
    const redis = this.redis;
    if (!redis) return 'not configured';
    return (await succeeds(() => redis.ping())) ? 'connected' : 'disconnected';
  }

  private async storage(): Promise<HealthReport['services']['storage']> {
    const dir = this.config.storageDir;
    const writable = await succeeds(async () => {
      // The probe may be the first to create STORAGE_DIR: it does so as privately as the exports would.
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const probe = join(dir, `.health-${process.pid}`);
      await writeFile(probe, 'ok', { mode: PRIVATE_FILE_MODE });
      await rm(probe, { force: true });
    });
    if (!writable) return 'unavailable';
    return (await hasRoomForExport(dir).catch(() => false)) ? 'available' : 'unavailable';
  }
}

async function succeeds(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
