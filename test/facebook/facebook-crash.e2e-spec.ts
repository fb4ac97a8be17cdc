import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { jsonArrayElements, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceProcess } from '../support/service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';
import { AccountIds, connectFacebook, freshAccount, graphCalls, pageKey } from './facebook-support';

const root = join(__dirname, '../..');

/**
 * A 20,000-post Facebook account whose worker is killed mid-collection: a new worker resumes from the
 * checkpoint (Meta's next link kept without its credentials), with every post in the archive exactly
 * once and at most the page in flight asked for again. Embedded mode kills and restarts the whole
 * service on the same DATA_DIR; server mode only the worker, beside an API process that stays up.
 */
describe('Facebook export of a large account after a worker crash', () => {
  let sandbox: RunningSandbox;
  let release: () => void;
  let big: AccountIds;
  const processes: ServiceProcess[] = [];
  let dataDir: string;
  let scratch: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    release = await serialiseServerMode();
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
    sandbox = await startSandbox({ port: 0, logCapacity: 5_000 });
    // Short posts (no hostile text), and a budget that a 20,000-post export does not reach.
    big = await freshAccount(sandbox, { key: 'big', fbPosts: 20_000, hostileText: false, quotaLimit: 100_000, fbAlbumSizes: [], fbTaggedPhotos: 0, fbVideos: 0 });
    dataDir = tempDir('se-fb-crash-');
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
      FACEBOOK_SLOWDOWN_MS: '40',
      ...(scratch ? { DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL } : {}),
    };
    const service = await ServiceProcess.start({ ...env, APP_ROLE: role }, port);
    processes.push(service);
    return service;
  };

  it('completes with every one of 20,000 posts exactly once, asking again for at most the page in flight', async () => {
    let api = await start(scratch ? 'api' : 'all');
    let worker = scratch ? await start('worker') : api;
    const user = await connectFacebook(api, sandbox, 'big');
    const since = sandbox.admin.log().lastSeq;
    // Slow Graph answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 60, match: { account: 'big', path: '/v25.0/me/posts' } });
    const id = await startExport(api, user, { format: 'json', options: { collections: ['posts'] } });
    const state = await waitFor(api, user, id, (current) => finished(current) || current.processedItems >= 5_000, { timeoutMs: 180_000 });
    await worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.processedItems).toBeLessThan(15_000);

    sandbox.admin.clearLatency();
    worker = await start(scratch ? 'worker' : 'all', scratch ? undefined : api.port);
    if (!scratch) api = worker;
    const done = await completed(api, user, id, 240_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: 20_000, progress: 100 });
    await withArchive(api, user, id, async (archive) => {
      const ids: string[] = [];
      for await (const post of jsonArrayElements<{ id: string }>(join(archive.dir, 'posts.json'))) ids.push(post.id);
      expect(duplicates(ids)).toEqual([]);
      expect(sorted(ids)).toEqual(sorted(big.posts));
      expect(archive.json<Manifest>('manifest.json').counts).toEqual({ posts: 20_000 });
    });
    const served = new Map<string, number>();
    for (const entry of graphCalls(sandbox, 'big', since)) {
      if (entry.status === 200 && entry.api === 'facebook.posts') served.set(pageKey(entry), (served.get(pageKey(entry)) ?? 0) + 1);
    }
    const again = [...served].filter(([, times]) => times > 1);
    expect(again.length).toBeLessThanOrEqual(1);
    expect(again.every(([, times]) => times === 2)).toBe(true);
  }, 600_000);
});
