import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { completed, exportState, startExport } from '../support/export-client';
import { sleep } from '../support/pacing';
import { ServiceProcess, partFiles } from '../support/service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';
import {
  AccountIds,
  COLLECTIONS,
  apiCalls,
  collectionOf,
  connectYouTube,
  expectJsonArchiveHolds,
  freshAccount,
  pageKey,
  serialiseServerMode,
  servedPages,
} from './youtube-support';

const root = join(__dirname, '../..');

/**
 * Issue 5's done-criterion: kill the worker process in the middle of a YouTube export and check that a
 * new one resumes it from its checkpoints, with every item in the archive exactly once. Embedded mode
 * runs one process that holds the database too, so the whole service is killed and started again on
 * the same DATA_DIR; server mode runs an API and a worker process on one database and queue, and only
 * the worker is killed and replaced.
 */
describe('YouTube export after a worker crash', () => {
  let sandbox: RunningSandbox;
  let release: () => void;
  let crash: AccountIds;
  const dataDir = tempDir('se-yt-crash-');
  const processes: ServiceProcess[] = [];
  let scratch: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    release = await serialiseServerMode();
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
    sandbox = await startSandbox({ port: 0 });
    crash = await freshAccount(sandbox, {
      key: 'crash',
      videos: 600,
      playlistSizes: [120, 40, 0],
      likes: 0,
      subscriptions: 120,
      maxThreadsPerVideo: 1,
      maxRepliesPerThread: 8,
    });
    if (serverMode()) {
      scratch = await createScratchDatabase();
      if (process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
    }
  }, 600_000);

  afterAll(async () => {
    for (const service of processes) await service.kill();
    await scratch?.drop();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
    release?.();
  });

  it('resumes from the checkpoint: completed, every id exactly once, at most one page asked again per collection', async () => {
    const env: NodeJS.ProcessEnv = {
      ...sandbox.env,
      TRUST_PROXY: '1',
      DATA_DIR: dataDir,
      ...(scratch ? { DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL } : {}),
    };
    const startWorker = async (port?: number): Promise<ServiceProcess> => {
      const service = await ServiceProcess.start({ ...env, APP_ROLE: scratch ? 'worker' : 'all' }, port);
      processes.push(service);
      return service;
    };
    // Embedded: one process does everything. Server mode: the API process stays up throughout.
    const api = scratch ? await ServiceProcess.start({ ...env, APP_ROLE: 'api' }) : await startWorker();
    if (scratch) {
      processes.push(api);
      await startWorker();
    }
    const worker = processes[processes.length - 1];

    const user = await connectYouTube(api, sandbox, 'crash');
    const since = sandbox.admin.log().lastSeq;
    // Slow Data API answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 120, match: { account: 'crash', path: '/youtube/v3/*' } });
    const id = await startExport(api, user, { format: 'json' });

    let state = await exportState(api, user, id);
    for (let polls = 0; state.status !== 'completed' && state.progress < 25 && polls < 600; polls += 1) {
      await sleep(50);
      state = await exportState(api, user, id);
    }
    await worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.progress).toBeGreaterThanOrEqual(25);
    expect(state.progress).toBeLessThanOrEqual(75);
    // A worker killed while writing its ZIP leaves `<id>.a<attempt>.zip.part` behind: plant the one the
    // killed (first) attempt would have left, which nothing will ever finish.
    const archives = join(dataDir, 'exports', 'archives');
    mkdirSync(archives, { recursive: true });
    writeFileSync(join(archives, `${id}.a1.zip.part`), 'PK\u0003\u0004 half an archive');

    // A new worker: in embedded mode the whole service again, on the same DATA_DIR.
    const next = await startWorker(scratch ? undefined : worker.port);
    const service = scratch ? api : next;
    sandbox.admin.clearLatency();
    // BullMQ reclaims a dead worker's job in two stalled-check passes (mark, then sweep once its lock
    // has expired), stalledInterval = lockDuration = 30 s apart: about a minute after the new worker starts.
    const done = await completed(service, user, id, 150_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${next.log}`);
    });
    const total = COLLECTIONS.reduce((sum, collection) => sum + crash[collection].length, 0);
    expect(done).toMatchObject({ status: 'completed', processedItems: total, progress: 100 });

    await expectJsonArchiveHolds(service, user, id, crash);

    // Work after the kill: at most the page that was in flight is asked again, once, per collection. A
    // page of uploads is a playlistItems.list and the videos.list of its ids, so that pair counts as one.
    // channels.list is the account lookup, not a page: a new process asks for it once more when a
    // collection that needs it (comments) starts after the restart.
    const calls = apiCalls(sandbox, 'crash', since);
    const pages = new Map(calls.map((entry) => [pageKey(entry), entry]));
    const again = new Map<string, string[]>();
    for (const [key, times] of servedPages(calls)) {
      expect({ key, times: Math.min(times, 3) }).toEqual({ key, times: Math.min(times, 2) });
      const entry = pages.get(key);
      if (times < 2 || !entry) continue;
      const group = entry.api === 'youtube.videos.list' ? 'videos (details)' : collectionOf(entry);
      again.set(group, [...(again.get(group) ?? []), key]);
    }
    for (const [group, keys] of again) expect({ group, pagesAskedAgain: keys }).toEqual({ group, pagesAskedAgain: [keys[0]] });

    expect(partFiles(join(dataDir, 'exports'))).toEqual([]);
  }, 240_000);
});
