import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { ExportCaller, ExportState, completed, exportState, finished, startExport, waitFor } from '../support/export-client';
import { sleep } from '../support/pacing';
import { jsonArrayElements, withArchive } from '../support/archive';
import { ServiceFleet, takenBackOnStart } from '../support/service-fleet';
import { partFiles } from '../support/service-process';
import { serverMode } from '../support/test-app';
import {
  AccountIds,
  COLLECTIONS,
  Collection,
  apiCalls,
  collectionOf,
  connectYouTube,
  expectJsonArchiveHolds,
  freshAccount,
  pageKey,
  servedPages,
} from './youtube-support';
import { Manifest } from '../support/archive';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';

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
  let big: AccountIds;
  const rigs: ServiceFleet[] = [];

  beforeAll(async () => {
    release = await serialiseServerMode();
    // The request log must hold every request of the 100,000-video export (two per page of 50).
    sandbox = await startSandbox({ port: 0, logCapacity: 20_000 });
    crash = await freshAccount(sandbox, {
      key: 'crash',
      videos: 600,
      playlistSizes: [120, 40, 0],
      likes: 0,
      subscriptions: 120,
      maxThreadsPerVideo: 1,
      maxRepliesPerThread: 8,
    });
    if (!serverMode()) big = await freshAccount(sandbox, { key: 'big', videos: 100_000, playlists: 0, likes: 0, subscriptions: 0, maxThreadsPerVideo: 0 });
  }, 600_000);

  afterAll(async () => {
    for (const rig of rigs) await rig.close();
    await sandbox?.close();
    release?.();
  });

  /** The processes of one test, on a DATA_DIR (and in server mode a database) of its own. */
  async function startRig(): Promise<ServiceFleet> {
    const rig = await ServiceFleet.start({ env: { ...sandbox.env }, dataDirPrefix: 'se-yt-crash-' });
    rigs.push(rig);
    return rig;
  }

  /** Waits for the export's end on the replaced worker; fails with that worker's output if it never comes. */
  async function resumed(rig: ServiceFleet, user: ExportCaller, id: string, timeoutMs: number): Promise<ExportState> {
    const next = await rig.replaceWorker();
    // In server mode BullMQ reclaims a dead worker's job once its 15 s lock has expired, in two
    // stalled-check passes 5 s apart (mark, then sweep): within about 25 s of the kill. A restarted
    // embedded service owns its queue alone and takes the job back as it starts.
    const state = await completed(rig.api, user, id, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${next.log}`);
    });
    if (!serverMode()) expect(next.log).toContain(takenBackOnStart(id));
    return state;
  }

  it('resumes from the checkpoint: completed, every id exactly once, only the pages in flight asked again', async () => {
    const rig = await startRig();
    const user = await connectYouTube(rig.api, sandbox, 'crash');
    const since = sandbox.admin.log().lastSeq;
    // Slow Data API answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 120, match: { account: 'crash', path: '/youtube/v3/*' } });
    const id = await startExport(rig.api, user, { format: 'json' });

    let state = await exportState(rig.api, user, id);
    for (let polls = 0; state.status !== 'completed' && state.progress < 25 && polls < 600; polls += 1) {
      await sleep(50);
      state = await exportState(rig.api, user, id);
    }
    await rig.worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.progress).toBeGreaterThanOrEqual(25);
    expect(state.progress).toBeLessThanOrEqual(75);
    // A worker killed while writing its ZIP leaves `<id>.a<attempt>.zip.part` behind: plant the one the
    // killed (first) attempt would have left, which nothing will ever finish.
    const archives = join(rig.dataDir, 'exports', 'archives');
    mkdirSync(archives, { recursive: true });
    writeFileSync(join(archives, `${id}.a1.zip.part`), 'PK\u0003\u0004 half an archive');

    sandbox.admin.clearLatency();
    const done = await resumed(rig, user, id, 150_000);
    const total = COLLECTIONS.reduce((sum, collection) => sum + crash[collection].length, 0);
    expect(done).toMatchObject({ status: 'completed', processedItems: total, progress: 100 });

    await expectJsonArchiveHolds(rig.api, user, id, crash);
    expectAtMostOnePageAgain(apiCalls(sandbox, 'crash', since));
    expect(partFiles(join(rig.dataDir, 'exports'))).toEqual([]);
  }, 240_000);

  // At size, once: embedded mode kills the whole service (database and queue included), the harder of
  // the two crashes; the case above already covers a server-mode worker being replaced.
  (serverMode() ? it.skip : it)('a 100,000-video export whose worker is killed half-way completes with every video exactly once', async () => {
    const rig = await startRig();
    const user = await connectYouTube(rig.api, sandbox, 'big');
    const since = sandbox.admin.log().lastSeq;
    const videos: Collection[] = ['videos'];
    const id = await startExport(rig.api, user, { format: 'json', options: { collections: videos } });

    const state = await waitFor(rig.api, user, id, (current) => finished(current) || current.progress >= 30, { timeoutMs: 180_000 });
    await rig.worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.progress).toBeLessThanOrEqual(75);

    const done = await resumed(rig, user, id, 400_000);
    expect(done).toMatchObject({ status: 'completed', processedItems: 100_000, totalItems: 100_000, progress: 100 });
    // videos.json is too big for one string: its ids are read line by line.
    await withArchive(rig.api, user, id, async (archive) => {
      const ids: string[] = [];
      for await (const video of jsonArrayElements<{ id: string }>(join(archive.dir, 'videos.json'))) ids.push(video.id);
      expect(duplicates(ids)).toEqual([]);
      expect(sorted(ids)).toEqual(sorted(big.videos));
      expect(archive.json<Manifest>('manifest.json').counts).toEqual({ videos: 100_000 });
    });
    expectAtMostOnePageAgain(apiCalls(sandbox, 'big', since));
  }, 720_000);
});

/**
 * Work after the kill: at most the pages that were in flight are asked again, once, per collection:
 * the page being written and the next, which the export reads while it writes one; of the uploads
 * list also the page after that, which is read beside the videos.list of the one before. A page of
 * uploads is a playlistItems.list and the videos.list of its ids, so that pair counts as one.
 * channels.list is the account lookup, not a page: a new process asks for it once more when a
 * collection that needs it (comments) starts after the restart.
 */
function expectAtMostOnePageAgain(calls: LogEntry[]): void {
  const pages = new Map(calls.map((entry) => [pageKey(entry), entry]));
  const again = new Map<string, string[]>();
  for (const [key, times] of servedPages(calls)) {
    expect({ key, times: Math.min(times, 3) }).toEqual({ key, times: Math.min(times, 2) });
    const entry = pages.get(key);
    if (times < 2 || !entry) continue;
    const group = entry.api === 'youtube.videos.list' ? 'videos (details)' : collectionOf(entry);
    again.set(group, [...(again.get(group) ?? []), key]);
  }
  for (const [group, keys] of again) {
    const inFlight = group === 'videos' ? 3 : 2;
    expect({ group, pagesAskedAgain: keys }).toEqual({ group, pagesAskedAgain: keys.slice(0, inFlight) });
  }
}
