import { Redis } from 'ioredis';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox, SandboxOptions } from '../../apps/platform-sandbox/src';
import { PlatformConnection } from '../../apps/api/src/modules/platforms/platform-connection.entity';
import { ConnectionVault } from '../../apps/api/src/modules/platforms/vault/connection-vault';
import type { PlatformAdapter, PlatformCredentials } from '@app/platform-adapters';
import { database, registerUser, uniqueEmail } from '../support/auth-helpers';
import type { Session } from '../support/auth-helpers';
import { freePort } from '../support/redis-server';
import { serverMode, startTestApp } from '../support/test-app';
import type { TestApp, TestEnv } from '../support/test-app';

/** The app under test and the sandbox standing in for Google and YouTube. */
export interface Harness {
  sandbox: RunningSandbox;
  t: TestApp;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sandbox?: SandboxOptions;
  /** Extra or removed (undefined) variables for the app. */
  env?: TestEnv;
  /**
   * The app runs export jobs. In server mode every suite here shares one Redis database: only the
   * suite that runs exports starts a queue worker there (and empties the database first, as
   * startTestApp does); the others start the API role, without a worker that could take its jobs
   * and without emptying Redis under it. In embedded mode every app has its own queue anyway.
   */
  worker?: boolean;
  /** Test adapters registered beside the real ones, as if they were known platforms. */
  adapters?: PlatformAdapter[];
}

/**
 * A sandbox on a free port and the real app pointed at it. The app listens on a port chosen up front
 * so that PUBLIC_URL, from which it builds its OAuth callback URL, names the app itself.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const port = await freePort();
  const roleEnv: TestEnv = serverMode() && !options.worker ? { APP_ROLE: 'api', REDIS_URL: process.env.REDIS_URL } : {};
  let t: TestApp;
  try {
    t = await startTestApp(
      {
        ...sandbox.env,
        TRUST_PROXY: '1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        FRONTEND_URL: undefined,
        ...roleEnv,
        ...options.env,
      },
      options.adapters,
    );
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return {
    sandbox,
    t,
    close: async () => {
      await t.close();
      await sandbox.close();
    },
  };
}

/** A client address of its own, sent as X-Forwarded-For (the apps trust one proxy hop). */
export { newAddress as clientAddress } from '../support/auth-helpers';

export interface User {
  session: Session;
  auth: { Authorization: string };
}

/** Registers a user from an address of its own (the auth tier allows 5 requests per second per address). */
export async function newUser(t: TestApp): Promise<User> {
  const { session } = await registerUser(t, { email: uniqueEmail('platforms'), name: 'Platform Tester' });
  return { session, auth: { Authorization: `Bearer ${session.token}` } };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
}

export const YOUTUBE_READONLY = 'https://www.googleapis.com/auth/youtube.readonly';

export function connect(t: TestApp, user: User, body: object): request.Test {
  return request(t.url).post('/api/platforms/youtube/connect').set(user.auth).send(body);
}

export interface StatusView {
  connected: boolean;
  needsReconnect: boolean;
  account: { id: string; name: string } | null;
  lastSync: string | null;
  tokenExpiry: string | null;
  permissions: string[];
  quotaUsage: { used: number; limit: number; resetsAt: string; reportedPercent: number | null };
}

export async function status(t: TestApp, user: User): Promise<StatusView> {
  const res = await request(t.url).get('/api/platforms/youtube/status').set(user.auth).expect(200);
  expect(res.body).toMatchObject({ success: true });
  return (res.body as { data: StatusView }).data;
}

export async function connectedPlatforms(t: TestApp, user: User): Promise<string[]> {
  const res = await request(t.url).get('/api/auth/me').set(user.auth).expect(200);
  return (res.body as { data: { platforms: string[] } }).data.platforms;
}

/** The user's stored YouTube connection row, if any. */
export async function connectionRow(t: TestApp, userId: string): Promise<PlatformConnection | null> {
  return database(t).getRepository(PlatformConnection).findOneBy({ userId, platform: 'youtube' });
}

/** The stored credentials, opened with the app's own vault. */
export async function storedCredentials(t: TestApp, userId: string): Promise<PlatformCredentials> {
  const row = await connectionRow(t, userId);
  if (!row) throw new Error(`no youtube connection for ${userId}`);
  return t.app.get(ConnectionVault).open(row);
}

/** What Google's tokeninfo says about an access token at the sandbox: the status and body. */
export async function tokenInfo(sandbox: RunningSandbox, accessToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/tokeninfo?access_token=${encodeURIComponent(accessToken)}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every row of every table of the app's database (system schemas aside), as text. */
export async function dumpDatabase(t: TestApp): Promise<string> {
  const db = database(t);
  const tables: { schemaname: string; tablename: string }[] = await db.query(
    `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const parts: string[] = [];
  for (const { schemaname, tablename } of tables) {
    const quoted = `"${schemaname.replace(/"/g, '""')}"."${tablename.replace(/"/g, '""')}"`;
    const rows: { row: string }[] = await db.query(`SELECT t::text AS row FROM ${quoted} t`);
    parts.push(`## ${quoted}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** Every key of the app's Redis database with its value (strings, hashes, lists, sets, sorted sets, streams), as text. */
export async function dumpRedis(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(${type})`;
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return parts.join('\n');
}

/** Asserts that none of the tokens, nor Google's token prefixes, appear in `dump`. */
export function expectNoTokens(dump: string, tokens: string[]): void {
  expect(dump).not.toContain('ya29.');
  expect(dump).not.toContain('1//');
  for (const token of tokens) expect(dump).not.toContain(token);
}

/** The next midnight in America/Los_Angeles after `now`, computed with Intl (not the code under test). */
export function nextPacificMidnight(now = new Date()): Date {
  const parts = (at: Date): Record<string, number> =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
        .formatToParts(at)
        .filter((part) => part.type !== 'literal')
        .map((part) => [part.type, Number(part.value)]),
    );
  const today = parts(now);
  // Pacific midnight is 07:00 or 08:00 UTC of the same calendar day; try both for tomorrow's date.
  for (const offsetHours of [7, 8]) {
    const candidate = new Date(Date.UTC(today.year, today.month - 1, today.day + 1, offsetHours));
    const local = parts(candidate);
    if (local.hour === 0 && local.minute === 0) return candidate;
  }
  throw new Error('no Pacific midnight found');
}

export { sleep } from '../support/pacing';
