import { startSandbox } from '../../apps/platform-sandbox/src';
import type { LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceFleet } from '../support/service-fleet';
import { connectX, xIds } from './twitter-support';

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
  let fleet: ServiceFleet;

  beforeAll(async () => {
    release = await serialiseServerMode();
    sandbox = await startSandbox({ port: 0, accounts: [], logCapacity: 2_000 });
    // 12 pages of 1,000 followers, and a window that takes them all.
    sandbox.admin.createAccount({ key: 'flock', twitter: { posts: 0, likes: 0, bookmarks: 0, followers: 12_000, following: 0, rateLimits: { followers: 100 } } });
    fleet = await ServiceFleet.start({ env: { ...sandbox.env, TWITTER_MONTHLY_BUDGET_USD: '50' }, dataDirPrefix: 'se-x-crash-' });
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    release?.();
  });

  it('completes with every follower exactly once, asking again for at most the page in flight', async () => {
    const served = await xIds(sandbox, 'flock');
    const user = await connectX(fleet.api, sandbox, 'flock');
    const since = sandbox.admin.log().lastSeq;
    // Slow answers, so the export is still mid-way when the worker dies.
    sandbox.admin.addLatency({ ms: 400, match: { api: 'twitter.followers', account: 'flock' } });
    const id = await startExport(fleet.api, user, { format: 'json', options: { collections: ['followers'] } });
    const state = await waitFor(fleet.api, user, id, (current) => finished(current) || current.processedItems >= 3_000, { timeoutMs: 120_000 });
    await fleet.worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.processedItems).toBeLessThan(12_000);

    sandbox.admin.clearLatency();
    const worker = await fleet.replaceWorker();
    const done = await completed(fleet.api, user, id, 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: 12_000, progress: 100 });
    await withArchive(fleet.api, user, id, (archive) => {
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
