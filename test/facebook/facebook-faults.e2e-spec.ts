import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { ExportState, completed, startExport, waitFor } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import { COLLECTIONS, connectFacebook, expectEveryItemOnce, freshAccount, graphCalls, repeatedPages, startFacebookHarness } from './facebook-support';

/** Parked for longer than a minute (a slowdown between calls also shows as a short wait), or over. */
const parkedOrOver = (state: ExportState): boolean =>
  (state.waitReason !== null && Date.parse(state.resumeAt ?? '') - Date.now() > 60_000) || (state.status !== 'processing' && state.status !== 'queued');

/**
 * Facebook exports when Meta pushes back: a token that dies mid-export, usage rising to a throttle
 * (parked, then resumed on a stale cursor without a lost or repeated item), Meta's Business Use Case
 * throttle with its own wait, temporary errors, a permission the person did not grant, and an account
 * with nothing in it.
 */
describe('Facebook exports under pressure', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startFacebookHarness());
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });
  afterEach(() => {
    sandbox.admin.clearFaults();
    sandbox.admin.resetClock();
    sandbox.admin.setConsent({ deniedScopes: [] });
  });

  it('fails with PLATFORM_NOT_CONNECTED when the token dies mid-export, and asks for a reconnect', async () => {
    await freshAccount(sandbox, { key: 'ida', fbPosts: 400 });
    const user = await connectFacebook(t, sandbox, 'ida');
    // The next few Graph calls work, then the token is dead (Meta answers code 190).
    sandbox.admin.expireTokens({ account: 'ida', afterCalls: 4 });
    const since = sandbox.admin.log().lastSeq;
    const id = await startExport(t, user, { format: 'json' });
    const state = await waitFor(t, user, id, (current) => current.status === 'failed' || current.status === 'completed', { timeoutMs: 60_000 });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'PLATFORM_NOT_CONNECTED', message: expect.stringMatching(/reconnect/) as unknown } });
    const refused = graphCalls(sandbox, 'ida', since).filter((entry) => entry.status !== 200);
    // One refusal ends it: no retry loop on 190.
    expect(refused).toHaveLength(1);
    await user.pace();
    const status = await request(t.url).get('/api/platforms/facebook/status').set(user.auth).expect(200);
    expect(status.body.data).toMatchObject({ needsReconnect: true });
  });

  it('warns in status and in the export when the long-lived token ends within a week', async () => {
    await freshAccount(sandbox, { key: 'ebb', fbPosts: 3 });
    // Connected 55 days ago (by Meta's clock): the 60-day token has 5 days left, and no refresh grant.
    sandbox.admin.setClock({ offsetMs: -55 * 86_400_000 });
    const user = await connectFacebook(t, sandbox, 'ebb');
    const status = await request(t.url).get('/api/platforms/facebook/status').set(user.auth).expect(200);
    const left = Date.parse(status.body.data.tokenExpiry as string) - Date.now();
    expect(left).toBeGreaterThan(4 * 86_400_000);
    expect(left).toBeLessThan(6 * 86_400_000);
    const id = await startExport(t, user, { format: 'json', options: { collections: ['posts', 'likes'] } });
    expect((await completed(t, user, id)).warnings).toEqual([expect.stringMatching(/stops working on \d{4}-\d{2}-\d{2}.*connect Facebook again/)]);
    await withArchive(t, user, id, (archive) => {
      expect(JSON.stringify(archive.json<Manifest>('manifest.json').warnings)).toContain('connect Facebook again');
    });
  });

  it('slows down as usage rises, parks before the budget is spent, and resumes on a stale cursor without a lost or repeated item', async () => {
    const parker = await freshAccount(sandbox, { key: 'parker', fbPosts: 1200, fbAlbumSizes: [3], fbTaggedPhotos: 1, fbVideos: 1, fbLikes: 2, fbFriends: 1, fbFriendsUsingApp: 1 });
    const user = await connectFacebook(t, sandbox, 'parker');
    // An hourly budget of 12 calls: the connect's /me spent one.
    sandbox.admin.setQuota({ platform: 'facebook', account: 'parker', limit: 12 });
    const since = sandbox.admin.log().lastSeq;
    const id = await startExport(t, user, { format: 'json' });
    const parked = await waitFor(t, user, id, parkedOrOver, { timeoutMs: 60_000 });
    expect(parked).toMatchObject({ status: 'processing', waitReason: 'rate_limited' });
    const waitMs = Date.parse(parked.resumeAt as string) - Date.now();
    expect(waitMs).toBeGreaterThan(55 * 60_000);
    expect(waitMs).toBeLessThanOrEqual(60 * 60_000);
    // It stopped on its own, before Meta had to refuse a call.
    const before = graphCalls(sandbox, 'parker', since);
    expect(before.filter((entry) => entry.status !== 200)).toEqual([]);
    // Billed calls: the budget's 12 less the connect's one, at most.
    expect(before.filter((entry) => entry.units > 0).length).toBeLessThanOrEqual(11);
    // Status shows the calls counted this hour and the usage Meta reported last, which made it park.
    await user.pace();
    const { quotaUsage } = (await request(t.url).get('/api/platforms/facebook/status').set(user.auth).expect(200)).body.data as { quotaUsage: { used: number; reportedPercent: number | null } };
    expect(quotaUsage.used).toBeGreaterThanOrEqual(before.length);
    expect(quotaUsage.reportedPercent).toBeGreaterThanOrEqual(95);

    const job = await t.app.get<Queue>(getQueueToken('exports')).getJob(id);
    expect(await job?.getState()).toBe('delayed');
    // The hour passes: the budget is back, and Meta no longer takes the cursors it handed out.
    sandbox.admin.setQuota({ platform: 'facebook', account: 'parker', limit: null });
    sandbox.admin.setClock({ advanceMs: 61 * 60_000 });
    await job?.promote();
    await completed(t, user, id);
    await withArchive(t, user, id, (archive) => expectEveryItemOnce(archive, 'json', parker, COLLECTIONS));
    const calls = graphCalls(sandbox, 'parker', since);
    expect(repeatedPages(calls)).toEqual([]);
    // The stale cursor was refused once, and the posts were read again by time from the oldest one kept.
    const refused = calls.filter((entry) => entry.status !== 200);
    expect(refused.map((entry) => entry.api)).toEqual(['facebook.posts']);
    const restart = calls[calls.indexOf(refused[0]) + 1];
    expect(restart.query).toMatchObject({ until: expect.stringMatching(/^\d+$/) as unknown });
    expect(restart.query.__paging_token).toBeUndefined();
  });

  it("parks for Meta's estimated_time_to_regain_access on a Business Use Case throttle", async () => {
    await freshAccount(sandbox, { key: 'buc', fbPosts: 5 });
    const user = await connectFacebook(t, sandbox, 'buc');
    sandbox.admin.addFault({
      match: { api: 'facebook.likes', account: 'buc' },
      respond: {
        status: 403,
        body: { error: { message: '(#80001) There have been too many calls to this Page account', type: 'OAuthException', code: 80001, fbtrace_id: 'A1' } },
        headers: { 'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 7 }] }) },
      },
      times: 'forever',
    });
    const id = await startExport(t, user, { format: 'json' });
    const parked = await waitFor(t, user, id, parkedOrOver, { timeoutMs: 60_000 });
    expect(parked).toMatchObject({ status: 'processing', waitReason: 'rate_limited' });
    const waitMs = Date.parse(parked.resumeAt as string) - Date.now();
    expect(waitMs).toBeGreaterThan(5 * 60_000);
    expect(waitMs).toBeLessThanOrEqual(7 * 60_000);
    await user.pace();
    await request(t.url).post(`/api/export/${id}/cancel`).set(user.auth).expect(200);
  });

  it('retries temporary errors, and skips a collection whose permission was not granted with a warning', async () => {
    const tess = await freshAccount(sandbox, { key: 'tess', fbPosts: 30 });
    sandbox.admin.setConsent({ deniedScopes: ['user_likes'] });
    const user = await connectFacebook(t, sandbox, 'tess');
    sandbox.admin.addFault({ match: { api: 'facebook.videos', account: 'tess' }, respond: { status: 500, reason: '2', message: 'Service temporarily unavailable' }, times: 2 });
    sandbox.admin.addFault({ match: { api: 'facebook.albums', account: 'tess' }, respond: { status: 400, reason: '1', message: 'An unknown error occurred' }, times: 1 });
    sandbox.admin.addFault({ match: { api: 'facebook.friends', account: 'tess' }, respond: 503, times: 1 });
    const id = await startExport(t, user, { format: 'json' });
    await completed(t, user, id);
    await withArchive(t, user, id, (archive) => {
      expectEveryItemOnce(archive, 'json', { ...tess, likes: [] });
      const errors = archive.json<{ collection: string; reason: string }[]>('errors.json');
      expect(errors.filter((entry) => entry.collection !== 'friends')).toEqual([{ collection: 'likes', reason: expect.stringMatching(/#200.*skipped/) as unknown }]);
    });
  });

  it('exports an account with nothing in it: the profile, and every other collection empty', async () => {
    const empty = await freshAccount(sandbox, { key: 'nil', fbPosts: 0, fbAlbumSizes: [], fbTaggedPhotos: 0, fbVideos: 0, fbLikes: 0, fbFriends: 0, fbFriendsUsingApp: 0 });
    const user = await connectFacebook(t, sandbox, 'nil');
    for (const format of ['json', 'csv', 'html']) {
      const id = await startExport(t, user, { format });
      expect(await completed(t, user, id)).toMatchObject({ processedItems: 1, warnings: [] });
      await withArchive(t, user, id, (archive) => expectEveryItemOnce(archive, format, empty));
    }
  });
});
