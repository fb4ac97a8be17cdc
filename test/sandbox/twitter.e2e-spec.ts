import { createHash, randomBytes } from 'node:crypto';
import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';

/** The X API v2 stand-in, spoken to the way X documents it. */
describe('platform sandbox: X API v2', () => {
  let sandbox: RunningSandbox;
  const redirectUri = 'http://127.0.0.1:5999/callback';
  const scopes = 'tweet.read users.read like.read bookmark.read follows.read offline.access';

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      accounts: [
        { key: 'xena', twitter: { posts: 3300, bookmarks: 805, likes: 7, followers: 3, following: 2, emptyPages: [2], rateLimits: { followers: 2 } } },
        { key: 'quiet', twitter: { posts: 0, likes: 0, bookmarks: 0, followers: 0, following: 0 } },
      ],
    });
  });
  afterAll(() => sandbox.close());

  const basic = (): string => `Basic ${Buffer.from(`${sandbox.env.TWITTER_CLIENT_ID}:${sandbox.env.TWITTER_CLIENT_SECRET}`).toString('base64')}`;
  const token = async (form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> => {
    const res = await fetch(sandbox.env.TWITTER_TOKEN_URL, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  async function connect(account = 'xena'): Promise<{ access: string; refresh: string }> {
    sandbox.admin.setConsent({ account });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const params = new URLSearchParams({ response_type: 'code', client_id: sandbox.env.TWITTER_CLIENT_ID, redirect_uri: redirectUri, scope: scopes, state: 'st8', code_challenge: challenge, code_challenge_method: 'S256' });
    const consent = await fetch(`${sandbox.env.TWITTER_AUTH_URL}?${params.toString()}`, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') as string);
    expect(back.searchParams.get('state')).toBe('st8');
    const code = back.searchParams.get('code') as string;
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: 'x'.repeat(43) })).status).toBe(400);
    const issued = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: scopes });
    return { access: issued.body.access_token, refresh: issued.body.refresh_token };
  }

  const api = async (access: string, path: string, query: Record<string, string> = {}) => {
    const res = await fetch(`${sandbox.env.TWITTER_API_URL}${path}?${new URLSearchParams(query).toString()}`, { headers: { authorization: `Bearer ${access}` } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it('rotates refresh tokens: each refresh kills the one it used', async () => {
    const { refresh } = await connect();
    const first = await token({ grant_type: 'refresh_token', refresh_token: refresh });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refresh);
    const again = await token({ grant_type: 'refresh_token', refresh_token: refresh });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } });
    expect((await api(first.body.access_token, '/users/me')).status).toBe(200);
    const revoke = await fetch(sandbox.env.TWITTER_TOKEN_URL.replace(/token$/, 'revoke'), { method: 'POST', headers: { authorization: basic() }, body: new URLSearchParams({ token: first.body.refresh_token, token_type_hint: 'refresh_token' }) });
    expect(await revoke.json()).toEqual({ revoked: true });
    expect((await api(first.body.access_token, '/users/me')).status).toBe(401);
  });

  it('serves the 3,200 newest posts with ids above 2^53, includes, empty pages and rate-limit headers', async () => {
    const { access } = await connect();
    const me = await api(access, '/users/me', { 'user.fields': 'created_at,public_metrics' });
    const userId = (JSON.parse(me.text) as { data: { id: string } }).data.id;
    expect(BigInt(userId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const ids = new Set<string>();
    let pages = 0;
    let empty = 0;
    let next: string | undefined;
    do {
      const page = await api(access, `/users/${userId}/tweets`, {
        max_results: '100',
        'tweet.fields': 'created_at,attachments,referenced_tweets,note_tweet',
        expansions: 'attachments.media_keys,referenced_tweets.id',
        'media.fields': 'url,variants,type',
        ...(next ? { pagination_token: next } : {}),
      });
      expect(page.status).toBe(200);
      expect(Number(page.headers.get('x-rate-limit-limit'))).toBe(900);
      const body = JSON.parse(page.text) as { data?: { id: string }[]; includes?: { media?: unknown[] }; meta: { next_token?: string; result_count: number } };
      if (!body.data) empty++;
      for (const post of body.data ?? []) ids.add(post.id);
      // Ids are JSON strings, digits intact.
      expect(page.text).not.toMatch(/"id":\s*\d/);
      next = body.meta.next_token;
      pages++;
    } while (next);
    expect(ids.size).toBe(3200);
    expect(empty).toBe(1);
    expect(pages).toBe(33);
    expect((await api(access, `/users/${userId}/tweets`, { max_results: '101' })).status).toBe(400);

    let bookmarks = 0;
    next = undefined;
    do {
      const page = JSON.parse((await api(access, `/users/${userId}/bookmarks`, { max_results: '100', ...(next ? { pagination_token: next } : {}) })).text) as { data?: unknown[]; meta: { next_token?: string } };
      bookmarks += page.data?.length ?? 0;
      next = page.meta.next_token;
    } while (next);
    expect(bookmarks).toBe(800);
  });

  it('answers 429 with the window headers once a 15-minute window is spent, and serves again after the reset', async () => {
    const { access } = await connect();
    const me = JSON.parse((await api(access, '/users/me')).text) as { data: { id: string } };
    const path = `/users/${me.data.id}/followers`;
    expect((await api(access, path, { max_results: '1' })).status).toBe(200);
    const last = await api(access, path, { max_results: '1' });
    expect(last.headers.get('x-rate-limit-remaining')).toBe('0');
    const refused = await api(access, path, { max_results: '1' });
    expect(refused.status).toBe(429);
    const reset = Number(refused.headers.get('x-rate-limit-reset')) * 1000;
    const now = Date.parse(sandbox.admin.clock().now);
    expect(reset).toBeGreaterThan(now);
    sandbox.admin.setClock({ set: reset + 1000 });
    const again = await api(access, path, { max_results: '1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-rate-limit-remaining')).toBe('1');
    sandbox.admin.resetClock();
  });

  it('narrows the timeline to ids newer than since_id (and older than until_id), which only the timeline takes', async () => {
    const { access } = await connect();
    const me = JSON.parse((await api(access, '/users/me')).text) as { data: { id: string } };
    type TimelinePage = { data?: { id: string }[]; meta: { next_token?: string } };
    const newest = JSON.parse((await api(access, `/users/${me.data.id}/tweets`, { max_results: '20' })).text) as TimelinePage;
    const ids = (newest.data ?? []).map((post) => post.id);
    const since = JSON.parse((await api(access, `/users/${me.data.id}/tweets`, { max_results: '100', since_id: ids[7] })).text) as TimelinePage;
    expect((since.data ?? []).map((post) => post.id)).toEqual(ids.slice(0, 7));
    expect(since.meta.next_token).toBeUndefined();
    const between = JSON.parse((await api(access, `/users/${me.data.id}/tweets`, { max_results: '100', since_id: ids[7], until_id: ids[2] })).text) as TimelinePage;
    expect((between.data ?? []).map((post) => post.id)).toEqual(ids.slice(3, 7));
    expect((await api(access, `/users/${me.data.id}/tweets`, { since_id: 'yesterday' })).status).toBe(400);
    expect((await api(access, `/users/${me.data.id}/liked_tweets`, { since_id: ids[7] })).status).toBe(400);
  });

  it('answers an empty account with pages without data', async () => {
    const { access } = await connect('quiet');
    const me = JSON.parse((await api(access, '/users/me')).text) as { data: { id: string } };
    const page = await api(access, `/users/${me.data.id}/bookmarks`);
    expect(JSON.parse(page.text)).toEqual({ meta: { result_count: 0 } });
  });
});
