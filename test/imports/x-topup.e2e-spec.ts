import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import { completed, finished, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import type { TestApp } from '../support/test-app';
import { X_ACCOUNT, tweetId, v11Tweet, xArchiveEntries } from './x-archive-fixture';
import { importingUser, uploadArchive } from './import-support';
import type { Row } from './import-support';
import { buildZip } from './zip-builder';
import { connectX, startXHarness, xIds } from '../twitter/twitter-support';

/** Archive-only posts, from before the API's reach; ids far below the sandbox account's. */
const OLD_POSTS = [1, 2, 3, 4];
/** How many of the sandbox account's oldest posts the archive holds too: the overlap. */
const OVERLAP = 6;

/**
 * An X archive imported with `topUp` by a user whose X account is connected (the sandbox's X API v2):
 * the archive's posts plus the API's newer ones, each post once, the newer ones marked as from the API
 * and counted per source in the manifest, and the API asked only for what is newer (since_id).
 */
describe('X archive import topped up from the API', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  let apiPosts: string[];
  let userId: string;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startXHarness());
    sandbox.admin.createAccount({ key: 'keeper', twitter: { posts: 14, likes: 0, bookmarks: 0, followers: 0, following: 0 } });
    ({ tweets: apiPosts, userId } = await xIds(sandbox, 'keeper'));
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  /** The fixture's archive, made the connected account's, whose tweets are the old posts plus the API's oldest OVERLAP. */
  function overlappingArchive(): Buffer {
    const overlap = apiPosts.slice(-OVERLAP);
    const posts = [...OLD_POSTS.map((n) => v11Tweet(n)), ...overlap.map((id, i) => v11Tweet(100 + i, { id_str: id, id }))];
    const entries = xArchiveEntries({ generation: 'modern', parts: [1] }).map((entry) => {
      if (entry.name === 'data/tweets.js') return { ...entry, data: `window.YTD.tweets.part0 = ${JSON.stringify(posts.map((tweet) => ({ tweet })))}` };
      return typeof entry.data === 'string' ? { ...entry, data: entry.data.replaceAll(X_ACCOUNT.accountId, userId) } : entry;
    });
    return buildZip(entries);
  }

  it('holds every post of both sources exactly once, the newer ones from the API, counted per source', async () => {
    expect(apiPosts).toHaveLength(14);
    const user = await connectX(t, sandbox, 'keeper');
    const since = sandbox.admin.log().lastSeq;
    const res = await uploadArchive(t, user, overlappingArchive(), { options: JSON.stringify({ topUp: true }) });
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    await completed(t, user, jobId);
    // Only what is newer than the archive's newest post was asked for (and billed).
    const timeline = sandbox.admin.log({ since }).entries.filter((entry) => entry.path.endsWith('/tweets'));
    expect(timeline.length).toBeGreaterThan(0);
    for (const entry of timeline) expect(entry.query.since_id).toBe(apiPosts[apiPosts.length - OVERLAP]);

    const archiveOnly = OLD_POSTS.map(tweetId);
    const newer = apiPosts.slice(0, apiPosts.length - OVERLAP);
    await withArchive(t, user, jobId, (archive) => {
      const tweets = archive.json<Row[]>('tweets.json');
      const ids = tweets.map((row) => row.id);
      expect(duplicates(ids)).toEqual([]);
      expect(sorted(ids)).toEqual(sorted([...archiveOnly, ...apiPosts]));
      expect(sorted(tweets.filter((row) => row.source === 'api').map((row) => row.id))).toEqual(sorted(newer));
      expect(sorted(tweets.filter((row) => row.source === 'archive').map((row) => row.id))).toEqual(sorted([...archiveOnly, ...apiPosts.slice(-OVERLAP)]));
      // An API post reads like one of an API export: the sandbox's text and metrics, not the archive's.
      expect(tweets.find((row) => row.id === newer[0])).toMatchObject({ authorId: userId, url: `https://x.com/i/web/status/${newer[0]}` });

      const manifest = archive.json<{ account: { id: string }; counts: Record<string, number>; topUp: unknown }>('manifest.json');
      expect(manifest.account.id).toBe(userId);
      expect(manifest.counts.tweets).toBe(archiveOnly.length + apiPosts.length);
      expect(manifest.topUp).toEqual({ collection: 'tweets', counts: { api: newer.length, archive: archiveOnly.length + OVERLAP } });
    });
  });

  it('refuses topUp at upload time when X is not connected, in the error envelope', async () => {
    const user = await importingUser(t);
    const res = await uploadArchive(t, user, buildZip(xArchiveEntries({ generation: 'modern', parts: [1] })), { options: JSON.stringify({ topUp: true }) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_NOT_CONNECTED' });
  });

  it('fails a topUp whose archive is another account than the connected one, mixing nothing', async () => {
    const user = await connectX(t, sandbox, 'keeper');
    const res = await uploadArchive(t, user, buildZip(xArchiveEntries({ generation: 'modern', parts: [2] })), { options: JSON.stringify({ topUp: true }) });
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    const state = await waitFor(t, user, jobId, finished, { timeoutMs: 60_000 });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARCHIVE' } });
    expect(JSON.stringify(state)).toContain('topUp merges only the same account');
  });
});
