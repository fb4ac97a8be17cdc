import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { Test } from '@nestjs/testing';
import { PLATFORM_NAMES } from '@app/contracts';
import { KNOWN_PLATFORMS, PLATFORM_ADAPTERS, PLATFORMS, PlatformAdapter } from '@app/platform-adapters';
import { APP_OPTIONS, configureApp, createApp } from '../../apps/api/src/bootstrap';
import { AppModule } from '../../apps/api/src/app.module';
import { AppConfig, loadConfig } from '../../apps/api/src/config/app-config';
import { seedEmbeddedDatabase } from './embedded-database-seed';

export type TestEnv = Record<string, string | undefined>;

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port>, for supertest and socket.io clients. */
  url: string;
  close(): Promise<void>;
}

/** Server mode when the suite runs with DATABASE_URL (and usually REDIS_URL) set, else embedded. */
export const serverMode = (): boolean => Boolean(process.env.DATABASE_URL);

export function tempDir(prefix = 'se-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh, empty database per app in server mode, so suites never see each other's rows. Its name is
 * derived from DATABASE_URL's, which must point at a throw-away test database.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL as string);
  const name = `se_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: base.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Empties the test Redis database so counters and jobs of an earlier suite do not leak in. */
export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  await redis.quit();
}

/**
 * Boots the whole service in-process on a random port, exactly as main.ts does, with a private
 * DATA_DIR. `env` overrides or removes (undefined) variables for this app only; `PORT` in it fixes
 * the port.
 */
export async function startTestApp(env: TestEnv = {}, extraAdapters: PlatformAdapter[] = []): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? tempDir();
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  const merged: TestEnv = { LOG_LEVEL: 'silent', ...process.env, DATA_DIR: dataDir, PORT: '0', ...env };
  if (merged.DATABASE_URL && !('DATABASE_URL' in env)) {
    scratch = await createScratchDatabase();
    merged.DATABASE_URL = scratch.url;
  }
  if (merged.REDIS_URL && !('REDIS_URL' in env)) await flushRedis(merged.REDIS_URL);
  if (!merged.DATABASE_URL) await seedEmbeddedDatabase(dataDir);
  const config = loadConfig(merged, '1.0.0-test');
  const app = extraAdapters.length === 0 ? await createApp(config) : await createAppWith(config, extraAdapters);
  // PORT is 0 (any free port) unless the test fixes one, e.g. so that PUBLIC_URL can name the app itself.
  await app.listen(config.port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await scratch?.drop();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app with test adapters registered beside the real ones, as if they were known platforms. */
async function createAppWith(config: AppConfig, adapters: PlatformAdapter[]): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(PLATFORM_ADAPTERS)
    .useFactory({
      // Every platform the library ships keeps its real adapter, whatever platforms are added later.
      factory: (...shipped: PlatformAdapter[]) => [...shipped, ...adapters],
      inject: PLATFORMS.map((platform) => platform.adapter),
    })
    .overrideProvider(KNOWN_PLATFORMS)
    .useValue([...PLATFORM_NAMES, ...adapters.map((adapter) => adapter.descriptor.name)])
    .compile();
  return configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS), config);
}
