import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, startExport } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import type { TestApp } from '../support/test-app';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import { pacer } from '../support/pacing';
import { X_COLLECTIONS, X_SCOPES, XIds, connectX, startXHarness, xIds, xTokens } from './twitter-support';

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
    sandbox.admin.createAccount({ key: 'tally', twitter: { posts: 0, likes: 40, bookmarks: 30, followers: 6, following: 4 } });
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

  it('charges what X bills: each resource returned, once per UTC day, and shows it in status', async () => {
    const user = await connectX(t, sandbox, 'tally');
    const spent = async (): Promise<number> => (await request(t.url).get('/api/platforms/twitter/status').set(user.auth).expect(200)).body.data.quotaUsage.used as number;
    const first = await startExport(t, user, { format: 'json', options: { collections: ['followers', 'following'] } });
    expect((await completed(t, user, first)).status).toBe('completed');
    // At $0.001 a user read: the profile (read at connect and again by the export: one read that day),
    // 6 followers and 4 followed of whom 2 are mutuals, each billed once.
    expect(await spent()).toBe((1 + 6 + 4 - 2) * 1000);
    const again = await startExport(t, user, { format: 'csv', options: { collections: ['followers', 'following'] } });
    expect((await completed(t, user, again)).status).toBe('completed');
    expect(await spent()).toBe((1 + 6 + 4 - 2) * 1000);
  });

  it('applies dateRange to likes and bookmarks by the day each post was published, and to posts through X', async () => {
    const range = { start: '2026-05-17', end: '2026-05-18' };
    // Read first: reading ends the oracle's grants, and with them every grant of the account.
    const oracle = await postDays(sandbox, 'tally');
    const user = await connectX(t, sandbox, 'tally');
    const id = await startExport(t, user, { format: 'json', options: { dateRange: range, collections: ['likes', 'bookmarks', 'followers'] } });
    expect((await completed(t, user, id)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      for (const collection of ['likes', 'bookmarks'] as const) {
        const expected = oracle[collection].filter((post) => post.day >= range.start && post.day <= range.end).map((post) => post.id);
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(oracle[collection].length);
        expect({ collection, ids: sorted(archiveIds(archive, 'json', collection)) }).toEqual({ collection, ids: sorted(expected) });
      }
      // Followers have no publication day: the range leaves them whole.
      expect(archiveIds(archive, 'json', 'followers')).toHaveLength(6);
    });
  });

  it('connects through the OAuth 2.0 routes of the service with PKCE S256, and exports with the tokens it stored', async () => {
    const { session } = await registerUser(t, { email: uniqueEmail('x-oauth'), name: 'X OAuth' });
    const auth = { Authorization: `Bearer ${session.token}` };
    sandbox.admin.setConsent({ account: 'hush' });
    const start = await request(t.url).get('/api/platforms/twitter/oauth?mode=json').set(auth).expect(200);
    const authorizationUrl = new URL((start.body as { data: { authorizationUrl: string } }).data.authorizationUrl);
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(sandbox.env.TWITTER_AUTH_URL);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: sandbox.env.TWITTER_CLIENT_ID,
      response_type: 'code',
      redirect_uri: expect.stringMatching(/\/api\/platforms\/twitter\/oauth\/callback$/) as unknown,
      scope: X_SCOPES,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      state: expect.any(String) as unknown,
    });
    const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0].split(';')[0];
    const back = new URL((await fetch(authorizationUrl, { redirect: 'manual' })).headers.get('location') as string);
    const since = sandbox.admin.log().lastSeq;
    const res = await request(t.url).get(back.pathname + back.search).set('Cookie', cookie).set('X-Forwarded-For', '10.9.8.6').redirects(0);
    expect(res.status).toBe(200);
    // X redeemed the code only with the verifier behind the challenge, which never left the service.
    const exchanges = sandbox.admin.log({ api: 'twitter.oauth.token', since }).entries;
    expect(exchanges.map((entry) => entry.status)).toEqual([200]);
    const status = (await request(t.url).get('/api/platforms/twitter/status').set(auth).expect(200)).body.data as { connected: boolean; permissions: string[]; tokenExpiry: string };
    expect(status).toMatchObject({ connected: true, permissions: expect.arrayContaining(X_SCOPES.split(' ')) as unknown });
    expect(Date.parse(status.tokenExpiry) - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    const user = { session, auth, platform: 'twitter', pace: pacer() };
    const id = await startExport(t, user, { format: 'json', options: { collections: ['profile', 'followers'] } });
    expect((await completed(t, user, id)).status).toBe('completed');
  });
});
/** The likes and bookmarks of a sandbox account with the day each post was published, read from its API. */
async function postDays(sandbox: RunningSandbox, account: string): Promise<Record<'likes' | 'bookmarks', { id: string; day: string }[]>> {
  const { access_token: token } = await xTokens(sandbox, account);
  const get = async (path: string): Promise<{ data?: { id: string; created_at?: string }[] }> =>
    (await (await fetch(`${sandbox.env.TWITTER_API_URL}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data?: { id: string; created_at?: string }[] };
  const userId = ((await get('/users/me')).data as unknown as { id: string }).id;
  const days = async (list: string): Promise<{ id: string; day: string }[]> =>
    ((await get(`/users/${userId}/${list}?max_results=100&tweet.fields=created_at`)).data ?? []).map((post) => ({ id: post.id, day: (post.created_at ?? '').slice(0, 10) }));
  const result = { likes: await days('liked_tweets'), bookmarks: await days('bookmarks') };
  sandbox.admin.invalidateGrants({ account });
  return result;
}
