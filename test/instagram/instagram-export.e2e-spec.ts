import request from 'supertest';
import type { AccountSpec, RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import type { TestApp } from '../support/test-app';
import { IG_COLLECTIONS, MIN_DELAY_MS, connectInstagram, cookieHeader, gaps, instagramIds, siteRequests, startIgHarness } from './instagram-support';

/**
 * Whole Instagram accounts exported through the service (HTTP, queue, worker, Chromium, pipeline,
 * writers) against the sandbox's website stand-in: every collection in every format with media, each
 * file once; the pauses between requests as the site saw them; and each way a session ends.
 */
describe('Instagram exports', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  const ivy: AccountSpec = { key: 'ivy', instagram: { posts: 14, saved: 5 } };
  let expected: Awaited<ReturnType<typeof instagramIds>>;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startIgHarness());
    sandbox.admin.createAccount(ivy);
    expected = await instagramIds(sandbox, ivy);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  it('connects with pasted cookies, warns about the account risk, and never hands the cookies back', async () => {
    const { session } = await registerUser(t, { email: uniqueEmail('ig'), name: 'IG Tester' });
    const auth = { Authorization: `Bearer ${session.token}` };
    const missing = await request(t.url).post('/api/platforms/instagram/connect').set(auth).send({ cookies: 'csrftoken=abc; ds_user_id=1' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
    expect(missing.body.error).toContain('sessionid');
    const res = await request(t.url).post('/api/platforms/instagram/connect').set(auth).send({ cookies: cookieHeader(ivy) });
    expect(res.status).toBe(200);
    expect(res.body.data.warnings.join(' ')).toMatch(/rate-limit.*lock/);
    const status = await request(t.url).get('/api/platforms/instagram/status').set(auth).expect(200);
    expect(status.body.data).toMatchObject({ connected: true, account: { id: expected.profile[0] } });
    expect(JSON.stringify(status.body)).not.toContain('sessionid');
  }, 60_000);

  it.each(['json', 'csv', 'html'])('exports every collection exactly once as %s, with each media file once, never faster than the pacing', async (format) => {
    const user = await connectInstagram(t, ivy);
    const since = sandbox.admin.log().lastSeq;
    const id = await startExport(t, user, { format, options: { includeMedia: true } });
    const done = await completed(t, user, id, 240_000);
    expect(done.status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      const manifest = archive.json<Manifest>('manifest.json');
      expect(manifest).toMatchObject({ platform: 'instagram', format, account: { id: expected.profile[0] } });
      for (const collection of IG_COLLECTIONS) {
        const ids = archiveIds(archive, format, collection);
        expect({ collection, duplicates: duplicates(ids) }).toEqual({ collection, duplicates: [] });
        expect({ collection, ids: sorted(ids) }).toEqual({ collection, ids: sorted(expected[collection]) });
      }
      const media = archive.files.filter((name) => name.startsWith('media/'));
      expect(media).toHaveLength(expected.media);
      expect(media.some((name) => name.endsWith('.mp4'))).toBe(true);
      expect(archive.files.includes('errors.json') ? archive.json<unknown[]>('errors.json') : []).toEqual([]);
    });
    const served = siteRequests(sandbox, 'ivy', since);
    expect(served.length).toBeGreaterThan(10);
    expect(served.every((entry) => entry.status === 200)).toBe(true);
    expect(Math.min(...gaps(served))).toBeGreaterThanOrEqual(MIN_DELAY_MS);
  }, 300_000);

  it('stops paging at the start of a date range, and at maxRecords', async () => {
    const user = await connectInstagram(t, ivy);
    // Posts are a day apart from 2026-05-20 noon: the range holds the newest five, one of them a reel.
    const ranged = await startExport(t, user, { format: 'json', options: { collections: ['posts', 'reels'], dateRange: { start: '2026-05-16', end: '2026-05-20' } } });
    expect((await completed(t, user, ranged, 120_000)).status).toBe('completed');
    await withArchive(t, user, ranged, (archive) => {
      const posts = archive.json<{ id: string; takenAt: string }[]>('posts.json');
      expect(posts.map((post) => post.id)).toEqual(expected.posts.slice(0, 4));
      expect(posts.every((post) => post.takenAt >= '2026-05-16')).toBe(true);
      expect(archive.json<{ id: string }[]>('reels.json').map((reel) => reel.id)).toEqual(expected.reels.slice(0, 1));
    });
    const since = sandbox.admin.log().lastSeq;
    const capped = await startExport(t, user, { format: 'json', options: { collections: ['posts'], maxRecords: 3 } });
    expect((await completed(t, user, capped, 120_000)).status).toBe('completed');
    await withArchive(t, user, capped, (archive) => expect(archive.json<{ id: string }[]>('posts.json').map((post) => post.id)).toEqual(expected.posts.slice(0, 3)));
    expect(siteRequests(sandbox, 'ivy', since).filter((entry) => entry.api === 'instagram.feed.user')).toHaveLength(1);
  }, 120_000);

  it.each([
    ['unauthorized', /401/],
    ['login', /login page/],
    ['challenge', /security challenge/],
    ['checkpoint', /checkpoint_required/],
    ['html', /web page/],
  ] as const)('ends the export with PLATFORM_NOT_CONNECTED when the session ends with %s, asking for fresh cookies', async (endsWith, why) => {
    const spec: AccountSpec = { key: `gone-${endsWith}`, instagram: { posts: 30, sessionEndsAfter: 6, endsWith } };
    sandbox.admin.createAccount(spec);
    const user = await connectInstagram(t, spec);
    const id = await startExport(t, user, { format: 'json', options: { collections: ['posts', 'saved'] } });
    const done = await waitFor(t, user, id, finished, { timeoutMs: 60_000 });
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('PLATFORM_NOT_CONNECTED');
    expect(done.error?.message).toMatch(why);
    expect(done.error?.message).toContain('fresh cookies');
    // Nothing was asked again after the session ended: the last request is the one that showed it.
    const served = siteRequests(sandbox, spec.key);
    expect(served.filter((entry) => entry.api !== 'instagram.page.login' && entry.api !== 'instagram.page.challenge')).toHaveLength(6 + 1);
    const status = await request(t.url).get('/api/platforms/instagram/status').set(user.auth).expect(200);
    expect(status.body.data).toMatchObject({ connected: false, needsReconnect: true });
  }, 90_000);
});
