import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceProcess } from '../support/service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';
import { connectX, xIds } from './twitter-support';

const root = join(__dirname, '../..');

/** A page a request asked for: its route and query (X's credentials travel in a header). */
const pageKey = (entry: LogEntry): string =>
  `${entry.path}?${Object.entries(entry.query)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')}`;

/**
 * An X export whose worker is killed mid-collection: a new worker resumes from the checkpoint (X's
 * pagination_token), with every follower in the archive exactly once and at most the page in flight
 * asked for again. Embedded mode kills and restarts the whole service on the same DATA_DIR; server
 * mode only the worker, beside an API process that stays up.
 */
describe('X export after a worker crash', () => {
  let sandbox: RunningSandbox;
  let release: () => void;
  const processes: ServiceProcess[] = [];
  let dataDir: string;
  let scratch: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    release = await serialiseServerMode();
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
    sandbox = await startSandbox({ port: 0, accounts: [], logCapacity: 2_000 });
    // 12 pages of 1,000 followers, and a window that takes them all.
    sandbox.admin.createAccount({ key: 'flock', twitter: { posts: 0, likes: 0, bookmarks: 0, followers: 12_000, following: 0, rateLimits: { followers: 100 } } });
    dataDir = tempDir('se-x-crash-');
    scratch = serverMode() ? await createScratchDatabase() : undefined;
    if (scratch && process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
  }, 300_000);

  afterAll(async () => {
    for (const service of processes) await service.kill();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await sandbox?.close();
    release?.();
  });

  const start = async (role: string, port?: number): Promise<ServiceProcess> => {
    const env: NodeJS.ProcessEnv = {
      ...sandbox.env,
      TRUST_PROXY: '1',
      DATA_DIR: dataDir,
      TWITTER_MONTHLY_BUDGET_USD: '50',
      ...(scratch ? { DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL } : {}),
    };
    const service = await ServiceProcess.start({ ...env, APP_ROLE: role }, port);
    processes.push(service);
    return service;
  };

  it('completes with every follower exactly once, asking again for at most the page in flight', async () => {
    const served = await xIds(sandbox, 'flock');
    let api = await start(scratch ? 'api' : 'all');
    let worker = scratch ? await start('worker') : api;
    const user = await connectX(api, sandbox, 'flock');
    const since = sandbox.admin.log().lastSeq;
    // Slow answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 400, match: { api: 'twitter.followers', account: 'flock' } });
    const id = await startExport(api, user, { format: 'json', options: { collections: ['followers'] } });
    const state = await waitFor(api, user, id, (current) => finished(current) || current.processedItems >= 3_000, { timeoutMs: 120_000 });
    await worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.processedItems).toBeLessThan(12_000);

    sandbox.admin.clearLatency();
    worker = await start(scratch ? 'worker' : 'all', scratch ? undefined : api.port);
    if (!scratch) api = worker;
    const done = await completed(api, user, id, 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: 12_000, progress: 100 });
    await withArchive(api, user, id, (archive) => {
      const ids = archiveIds(archive, 'json', 'followers');
      expect(duplicates(ids)).toEqual([]);
      expect(sorted(ids)).toEqual(sorted(served.followers));
    });
    const pages = new Map<string, number>();
    for (const entry of sandbox.admin.log({ account: 'flock', since, api: 'twitter.followers' }).entries) {
      if (entry.status === 200) pages.set(pageKey(entry), (pages.get(pageKey(entry)) ?? 0) + 1);
    }
    // 12 pages of 1,000: an empty log (a wrong filter) must not pass the replay checks below.
    expect(pages.size).toBeGreaterThanOrEqual(12);
    const again = [...pages].filter(([, times]) => times > 1);
    expect(again.length).toBeLessThanOrEqual(1);
    expect(again.every(([, times]) => times === 2)).toBe(true);
  }, 600_000);
});
