import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import { ExportState, completed, startExport, waitFor } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import {
  COLLECTIONS,
  apiCalls,
  connectYouTube,
  count,
  expectJsonArchiveHolds,
  freshAccount,
  pageKey,
  repeatedPages,
  sandboxIds,
  servedPages,
  startYouTubeHarness,
  unitsByDay,
  unitsToday,
  youtubeStatus,
} from './youtube-support';
import { Manifest, archiveIds } from '../support/archive';

/**
 * 1 + 2·⌈N/50⌉: channels.list, then one playlistItems.list page and one videos.list per 50 uploads. The
 * channels.list is the connect's: the export reuses the channel it read (remembered for a few minutes).
 */
const videosUnits = (videos: number): number => 1 + 2 * Math.ceil(videos / 50);

/**
 * YouTube exports through the whole service while the platform misbehaves: an access token that dies
 * mid-export, the daily quota running out, 429 and 5xx storms, a malformed page, and the extremes of
 * channel size. Each export must still end with every item exactly once and no finished page asked twice.
 */
describe('YouTube exports under platform faults', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startYouTubeHarness());
  }, 600_000);
  afterAll(async () => {
    await stop?.();
  });

  it('refreshes a token that expires mid-export once, and asks for no page twice', async () => {
    const alice = await sandboxIds(sandbox, 'alice');
    const user = await connectYouTube(t, sandbox, 'alice');
    const since = sandbox.admin.log().lastSeq;
    // The connected token dies after 4 more Data API calls: channels.list, two uploads pages, one videos.list.
    sandbox.admin.expireTokens({ account: 'alice', afterCalls: 4 });

    const id = await startExport(t, user, { format: 'json' });
    await completed(t, user, id);
    await expectJsonArchiveHolds(t, user, id, alice);

    const log = sandbox.admin.log({ account: 'alice', since }).entries;
    const refreshes = log.filter((entry) => entry.api === 'oauth.token');
    expect(refreshes.map((entry) => `${entry.query.grant_type ?? 'form'} ${entry.status}`)).toHaveLength(1);
    expect(refreshes[0].status).toBe(200);
    const calls = apiCalls(sandbox, 'alice', since);
    const refused = calls.filter((entry) => entry.status === 401);
    expect(refused).toHaveLength(1);
    // The refused page was asked again with the new token, and answered once.
    expect(servedPages(calls).get(pageKey(refused[0]))).toBe(1);
    expect(repeatedPages(calls)).toEqual([]);
    expect(calls.filter((entry) => entry.status !== 200 && entry.status !== 401)).toEqual([]);
  });

  it('rides out 429 and 5xx storms: requests = pages + injected failures, units unchanged', async () => {
    const stormy = await freshAccount(sandbox, { key: 'stormy', videos: 137, playlistSizes: [3, 60], subscriptions: 55, maxThreadsPerVideo: 1 });
    const user = await connectYouTube(t, sandbox, 'stormy');
    const since = sandbox.admin.log().lastSeq;
    const unitsBefore = unitsToday(sandbox, 'stormy');
    const faults = [
      sandbox.admin.addFault({ match: { api: 'playlistItems.list', account: 'stormy', page: 2 }, respond: 429, retryAfter: 1, times: 2 }),
      sandbox.admin.addFault({ match: { api: 'videos.list', account: 'stormy' }, respond: 503, afterCalls: 1, times: 2 }),
      sandbox.admin.addFault({ match: { api: 'subscriptions.list', account: 'stormy', page: 2 }, respond: 500, retryAfter: 1, times: 2 }),
      sandbox.admin.addFault({ match: { api: 'commentThreads.list', account: 'stormy' }, respond: { status: 403, reason: 'userRateLimitExceeded' }, retryAfter: 1, times: 1 }),
    ];
    try {
      const id = await startExport(t, user, { format: 'json' });
      await completed(t, user, id);
      await expectJsonArchiveHolds(t, user, id, stormy);
    } finally {
      for (const fault of faults) sandbox.admin.removeFault(fault.id);
    }

    const calls = apiCalls(sandbox, 'stormy', since);
    const injected = calls.filter((entry) => entry.fault !== null);
    expect(injected).toHaveLength(2 + 2 + 2 + 1);
    const pages = servedPages(calls);
    expect([...pages.values()].every((times) => times === 1)).toBe(true);
    expect(calls).toHaveLength(pages.size + injected.length);
    // Refusals answered before the API are not billed: the export cost what a calm one costs.
    const billed = calls.filter((entry) => entry.status === 200).length;
    expect(unitsToday(sandbox, 'stormy') - unitsBefore).toBe(billed);
  });

  it('asks once more for a malformed page, then goes on', async () => {
    const quirky = await freshAccount(sandbox, { key: 'quirky', videos: 137, playlists: 1, subscriptions: 3 });
    const user = await connectYouTube(t, sandbox, 'quirky');
    const since = sandbox.admin.log().lastSeq;
    const fault = sandbox.admin.addFault({ match: { api: 'playlistItems.list', account: 'quirky', page: 2 }, respond: 'malformed', times: 1 });
    try {
      const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'] } });
      await completed(t, user, id);
      await expectJsonArchiveHolds(t, user, id, quirky, ['videos']);
    } finally {
      sandbox.admin.removeFault(fault.id);
    }
    const calls = apiCalls(sandbox, 'quirky', since);
    const broken = calls.filter((entry) => entry.fault?.endsWith(':malformed'));
    expect(broken).toHaveLength(1);
    // The same page once more, and that was all: it reached the API both times, so both are billed.
    expect(calls.filter((entry) => pageKey(entry) === pageKey(broken[0]))).toHaveLength(2);
    expect(calls).toHaveLength(videosUnits(quirky.videos.length) - 1 + 1);
    expect(unitsToday(sandbox, 'quirky')).toBe(videosUnits(quirky.videos.length) + 1);
  });

  it('exports a channel with no videos', async () => {
    const bob = await sandboxIds(sandbox, 'bob');
    expect(bob.videos).toEqual([]);
    const user = await connectYouTube(t, sandbox, 'bob');
    const since = sandbox.admin.log().lastSeq;
    const id = await startExport(t, user, { format: 'json' });
    const done = await completed(t, user, id);
    await expectJsonArchiveHolds(t, user, id, bob);
    expect(done.processedItems).toBe(COLLECTIONS.reduce((sum, collection) => sum + bob[collection].length, 0));
    const calls = apiCalls(sandbox, 'bob', since);
    // One (empty) uploads page and no videos.list.
    expect(count(calls, 'playlistItems.list')).toBe(1);
    expect(count(calls, 'videos.list')).toBe(0);
    expect(repeatedPages(calls)).toEqual([]);
  });

  it('exports a channel of 20,000 videos with 1 + 2·400 units', async () => {
    const huge = await freshAccount(sandbox, {
      key: 'huge',
      videos: 20_000,
      playlists: 0,
      likes: 0,
      subscriptions: 0,
      maxThreadsPerVideo: 0,
      hostileText: false,
    });
    expect(huge.videos).toHaveLength(20_000);
    const user = await connectYouTube(t, sandbox, 'huge');
    const since = sandbox.admin.log().lastSeq;
    const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'] } });
    const done = await completed(t, user, id, 180_000);
    expect(done.processedItems).toBe(20_000);

    await withArchive(t, user, id, (archive) => {
      const ids = archiveIds(archive, 'json', 'videos');
      expect(ids).toHaveLength(20_000);
      expect(new Set(ids).size).toBe(20_000);
      expect(ids).toEqual(huge.videos);
      expect(archive.json<Manifest>('manifest.json').counts).toEqual({ videos: 20_000 });
    });
    const calls = apiCalls(sandbox, 'huge', since);
    expect(calls).toHaveLength(800);
    expect(repeatedPages(calls)).toEqual([]);
    expect(videosUnits(20_000)).toBe(801);
    // The connect's channels.list, then the export's 800 pages.
    expect(unitsToday(sandbox, 'huge')).toBe(801);
    expect((await youtubeStatus(t, user)).quotaUsage.used).toBe(801);
  }, 240_000);

  it('parks on spent quota until midnight Pacific, then goes on the next day without repeating a finished page', async () => {
    const parker = await freshAccount(sandbox, { key: 'parker', videos: 137, playlists: 1, subscriptions: 3 });
    const user = await connectYouTube(t, sandbox, 'parker');
    const since = sandbox.admin.log().lastSeq;
    const today = sandbox.admin.clock();
    // 3 units left today: the first uploads page and its videos.list, the second uploads page (read
    // beside that videos.list); the second page's videos.list is refused with 403 quotaExceeded, and so
    // is the third uploads page, read ahead beside it.
    sandbox.admin.setQuota({ account: 'parker', remaining: 3 });

    const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'] } });
    const parkedOrOver = (state: ExportState): boolean => state.waitReason !== null || (state.status !== 'processing' && state.status !== 'queued');
    const parked = await waitFor(t, user, id, parkedOrOver, { timeoutMs: 60_000 });
    expect(parked).toMatchObject({ status: 'processing', waitReason: 'quota_exceeded', processedItems: 50 });
    expect(parked.resumeAt).toBe(today.nextPacificMidnight);
    const refused = apiCalls(sandbox, 'parker', since).filter((entry) => entry.status === 403);
    expect(refused.map((entry) => entry.api).sort()).toEqual(['youtube.playlistItems.list', 'youtube.videos.list']);

    const queue = t.app.get<Queue>(getQueueToken('exports'));
    const job = await queue.getJob(id);
    expect(await job?.getState()).toBe('delayed');
    try {
      // The night passes: the sandbox's day turns over (its quota refills), and the parked job runs now.
      sandbox.admin.setClock({ toNextPacificMidnight: true, plusMs: 60_000 });
      await job?.promote();
      await completed(t, user, id);
      await expectJsonArchiveHolds(t, user, id, parker, ['videos']);
    } finally {
      sandbox.admin.resetClock();
    }

    const calls = apiCalls(sandbox, 'parker', since);
    const served = servedPages(calls);
    // Only the page that was in flight (its uploads entries fetched, their details refused) came twice.
    const repeated = [...served].filter(([, times]) => times > 1);
    expect(repeated).toEqual([[pageKey(calls.filter((entry) => entry.api === 'youtube.playlistItems.list')[1]), 2]]);
    // Units per Pacific day: the connect and 3 today, the rest and the page asked again tomorrow; the
    // refused calls are not billed.
    const days = Object.values(unitsByDay(sandbox, 'parker'));
    expect(days).toEqual([1 + 3, videosUnits(parker.videos.length) - 1 - 3 + 1]);
  });
});
