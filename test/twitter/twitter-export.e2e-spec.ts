import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, startExport } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import type { TestApp } from '../support/test-app';
import { X_COLLECTIONS, XIds, connectX, xIds, startXHarness } from './twitter-support';

/**
 * Whole X accounts exported through the service (HTTP, queue, worker, pipeline, writers) against the
 * sandbox's X API v2 stand-in: every collection in every format, the API's caps and their warnings,
 * a token that dies mid-export, and the spending budget.
 */
describe('X exports', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  let xena: XIds;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startXHarness(() => ({ TWITTER_MONTHLY_BUDGET_USD: '20' })));
    // Past both caps, with a timeline page that comes back without data.
    sandbox.admin.createAccount({ key: 'xena', twitter: { posts: 3210, bookmarks: 805, likes: 130, followers: 6, following: 4, emptyPages: [3] } });
    sandbox.admin.createAccount({ key: 'hush', twitter: { posts: 0, likes: 0, bookmarks: 0, followers: 0, following: 0 } });
    sandbox.admin.createAccount({ key: 'fan', twitter: { posts: 5, likes: 30_000 } });
    xena = await xIds(sandbox, 'xena');
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  it.each([
    ['json', false],
    ['csv', false],
    ['html', true],
  ])('exports every item exactly once as %s (media: %s) and warns about the caps', async (format, includeMedia) => {
    const user = await connectX(t, sandbox, 'xena');
    const id = await startExport(t, user, { format, options: { includeMedia } });
    const done = await completed(t, user, id, 120_000);
    expect(done.status).toBe('completed');
    expect(xena.tweets).toHaveLength(3200);
    expect(xena.bookmarks).toHaveLength(800);
    await withArchive(t, user, id, (archive) => {
      const manifest = archive.json<Manifest>('manifest.json');
      expect(manifest).toMatchObject({ platform: 'twitter', format, account: { id: xena.userId } });
      for (const collection of X_COLLECTIONS) {
        const ids = archiveIds(archive, format, collection);
        expect({ collection, duplicates: duplicates(ids) }).toEqual({ collection, duplicates: [] });
        expect({ collection, ids: sorted(ids) }).toEqual({ collection, ids: sorted(xena[collection]) });
      }
      const warnings = JSON.stringify([manifest.warnings, archive.files.includes('errors.json') ? archive.json<unknown>('errors.json') : []]);
      expect(warnings).toContain('3,200 most recent posts');
      expect(warnings).toContain('800 most recent bookmarks');
      expect(warnings).toContain('archive');
      const media = archive.files.filter((name) => name.startsWith('media/'));
      if (includeMedia) {
        expect(media.some((name) => name.endsWith('.jpg'))).toBe(true);
        expect(media.some((name) => name.endsWith('.mp4'))).toBe(true);
      } else {
        expect(media).toEqual([]);
      }
    });
  }, 180_000);

  it('refreshes a token that dies mid-export, keeps the rotated refresh token, and exports again with it', async () => {
    const user = await connectX(t, sandbox, 'xena');
    sandbox.admin.expireTokens({ account: 'xena', afterCalls: 4 });
    const first = await startExport(t, user, { format: 'json', options: { collections: ['followers', 'following', 'likes'] } });
    expect((await completed(t, user, first, 60_000)).status).toBe('completed');
    const refreshes = sandbox.admin.log({ api: 'twitter.oauth.token' }).entries.filter((entry) => entry.account === 'xena' && entry.status === 200);
    expect(refreshes.length).toBeGreaterThan(0);
    // The first refresh retired the refresh token the user connected with; only the stored new one works.
    sandbox.admin.expireTokens({ account: 'xena', afterCalls: 0 });
    const second = await startExport(t, user, { format: 'json', options: { collections: ['followers'] } });
    expect((await completed(t, user, second, 60_000)).status).toBe('completed');
    const status = await request(t.url).get('/api/platforms/twitter/status').set(user.auth).expect(200);
    expect(status.body.data).toMatchObject({ connected: true, needsReconnect: false });
  }, 120_000);

  it('exports an empty account: a profile and empty collections', async () => {
    const user = await connectX(t, sandbox, 'hush');
    const id = await startExport(t, user, { format: 'json' });
    expect((await completed(t, user, id)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      expect(archiveIds(archive, 'json', 'profile')).toHaveLength(1);
      for (const collection of ['tweets', 'likes', 'bookmarks', 'followers', 'following']) expect(archiveIds(archive, 'json', collection)).toEqual([]);
    });
  });

  it('refuses to start an export whose estimate exceeds what is left of the monthly budget, and shows the spending', async () => {
    const user = await connectX(t, sandbox, 'fan');
    const res = await request(t.url).post('/api/export/start').set(user.auth).send({ platform: 'twitter', format: 'json' });
    expect(res.body).toMatchObject({ success: false, code: 'QUOTA_EXCEEDED' });
    const status = await request(t.url).get('/api/platforms/twitter/status').set(user.auth).expect(200);
    expect(status.body.data.quotaUsage).toMatchObject({ limit: 20_000_000 });
    expect(Date.parse(status.body.data.quotaUsage.resetsAt)).toBe(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
  });
});
