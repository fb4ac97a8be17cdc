import { join } from 'node:path';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { jsonArrayElements, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceFleet } from '../support/service-fleet';
import { AccountIds, connectFacebook, freshAccount, graphCalls, pageKey } from './facebook-support';

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
  let fleet: ServiceFleet;

  beforeAll(async () => {
    release = await serialiseServerMode();
    sandbox = await startSandbox({ port: 0, logCapacity: 5_000 });
    // Short posts (no hostile text), and a budget that a 20,000-post export does not reach.
    big = await freshAccount(sandbox, { key: 'big', fbPosts: 20_000, hostileText: false, quotaLimit: 100_000, fbAlbumSizes: [], fbTaggedPhotos: 0, fbVideos: 0 });
    fleet = await ServiceFleet.start({ env: { ...sandbox.env, FACEBOOK_SLOWDOWN_MS: '40' }, dataDirPrefix: 'se-fb-crash-' });
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    release?.();
  });

  it('completes with every one of 20,000 posts exactly once, asking again for at most the page in flight', async () => {
    const user = await connectFacebook(fleet.api, sandbox, 'big');
    const since = sandbox.admin.log().lastSeq;
    // Slow Graph answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 60, match: { account: 'big', path: '/v25.0/me/posts' } });
    const id = await startExport(fleet.api, user, { format: 'json', options: { collections: ['posts'] } });
    const state = await waitFor(fleet.api, user, id, (current) => finished(current) || current.processedItems >= 5_000, { timeoutMs: 180_000 });
    await fleet.worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.processedItems).toBeLessThan(15_000);

    sandbox.admin.clearLatency();
    const worker = await fleet.replaceWorker();
    const done = await completed(fleet.api, user, id, 240_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: 20_000, progress: 100 });
    await withArchive(fleet.api, user, id, async (archive) => {
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
