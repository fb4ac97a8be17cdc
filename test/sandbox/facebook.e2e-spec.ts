import { createHmac } from 'node:crypto';
import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';

interface GraphPage {
  data?: { id: string; created_time?: string; images?: { source: string; width: number }[] }[];
  paging?: { next?: string; cursors?: { after: string } };
  summary?: { total_count: number };
  error?: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

/**
 * The Graph API stand-in as Meta documents it: Facebook Login and the token exchanges, debug_token,
 * appsecret_proof, paging until `next` is absent (empty pages and time paging included), field
 * selection, the error object, X-App-Usage and throttling, and expiring signed media links.
 */
describe('platform sandbox: Facebook Graph API', () => {
  let sandbox: RunningSandbox;
  const graph = (): string => sandbox.env.FACEBOOK_GRAPH_URL;
  const proof = (token: string): string => createHmac('sha256', sandbox.env.FACEBOOK_APP_SECRET).update(token).digest('hex');

  async function login(scope = 'user_posts,user_photos,user_videos,user_likes,user_friends'): Promise<string> {
    const redirect = 'http://127.0.0.1:9/callback';
    const dialog = new URL(`${graph()}/dialog/oauth`);
    for (const [name, value] of Object.entries({ client_id: sandbox.env.FACEBOOK_APP_ID, redirect_uri: redirect, state: 'st-1', scope })) dialog.searchParams.set(name, value);
    const consent = await fetch(dialog, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') as string);
    expect(back.searchParams.get('state')).toBe('st-1');
    const exchange = new URL(`${graph()}/oauth/access_token`);
    for (const [name, value] of Object.entries({
      client_id: sandbox.env.FACEBOOK_APP_ID,
      client_secret: sandbox.env.FACEBOOK_APP_SECRET,
      redirect_uri: redirect,
      code: back.searchParams.get('code') as string,
    })) exchange.searchParams.set(name, value);
    const short = (await (await fetch(exchange)).json()) as { access_token: string; expires_in: number };
    expect(short.expires_in).toBeLessThan(86_400);
    // The same code twice is refused.
    expect(((await (await fetch(exchange)).json()) as GraphPage).error).toMatchObject({ code: 100, error_subcode: 36009 });
    const long = new URL(`${graph()}/oauth/access_token`);
    for (const [name, value] of Object.entries({
      grant_type: 'fb_exchange_token',
      client_id: sandbox.env.FACEBOOK_APP_ID,
      client_secret: sandbox.env.FACEBOOK_APP_SECRET,
      fb_exchange_token: short.access_token,
    })) long.searchParams.set(name, value);
    const exchanged = (await (await fetch(long)).json()) as { access_token: string; expires_in: number };
    expect(exchanged.expires_in).toBeGreaterThan(50 * 86_400);
    return exchanged.access_token;
  }

  async function get(token: string, path: string, query: Record<string, string> = {}, withProof = true): Promise<{ status: number; headers: Headers; body: GraphPage & Record<string, unknown> }> {
    const url = path.startsWith('http') ? new URL(path) : new URL(`${graph()}/${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    if (withProof) url.searchParams.set('appsecret_proof', proof(token));
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphPage & Record<string, unknown> };
  }

  async function all(token: string, path: string, query: Record<string, string>): Promise<{ ids: string[]; pages: number; empty: number }> {
    const ids: string[] = [];
    let pages = 0;
    let empty = 0;
    let next: string | undefined = path;
    let first = true;
    while (next) {
      const page = await get(token, next, first ? query : {});
      first = false;
      expect(page.status).toBe(200);
      pages++;
      if ((page.body.data ?? []).length === 0) empty++;
      ids.push(...(page.body.data ?? []).map((item) => item.id));
      next = page.body.paging?.next;
    }
    return { ids, pages, empty };
  }

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      accounts: [{ key: 'fiona', fbPosts: 230, fbAlbumSizes: [30, 0, 4], fbTaggedPhotos: 3, fbVideos: 2, fbLikes: 7, fbFriends: 300, fbFriendsUsingApp: 2 }],
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('logs in, exchanges for a long-lived token, and debug_token describes it', async () => {
    const token = await login();
    const url = new URL(`${graph()}/debug_token`);
    url.searchParams.set('input_token', token);
    url.searchParams.set('access_token', `${sandbox.env.FACEBOOK_APP_ID}|${sandbox.env.FACEBOOK_APP_SECRET}`);
    const { data } = (await (await fetch(url)).json()) as { data: { is_valid: boolean; scopes: string[]; expires_at: number; data_access_expires_at: number; user_id: string } };
    expect(data).toMatchObject({ is_valid: true, scopes: expect.arrayContaining(['public_profile', 'user_posts']) as unknown });
    expect(data.user_id).toMatch(/^\d{16}$/);
    expect(Number(data.user_id)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    const me = await get(token, 'me', { fields: 'id,name' });
    expect(me.body.id).toBe(data.user_id);
  });

  it('refuses calls without or with a wrong appsecret_proof, removed Post fields and unknown tokens in the Graph error shape', async () => {
    const token = await login();
    expect((await get(token, 'me', {}, false)).body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    const wrong = await fetch(`${graph()}/me?appsecret_proof=${'0'.repeat(64)}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await wrong.json()) as GraphPage).error).toMatchObject({ code: 100 });
    expect((await get(token, 'me/posts', { fields: 'id,type' })).body.error).toMatchObject({ code: 12 });
    const dead = await get('not-a-token', 'me');
    expect(dead.status).toBe(400);
    expect(dead.body.error).toMatchObject({ code: 190, type: 'OAuthException', fbtrace_id: expect.any(String) as unknown });
  });

  it('pages every edge until next is absent: posts by time with empty pages, the others by cursor', async () => {
    const token = await login();
    const posts = await all(token, 'me/posts', { fields: 'id,created_time,attachments{media,subattachments}', limit: '10' });
    expect(posts.ids).toHaveLength(230);
    expect(new Set(posts.ids).size).toBe(230);
    expect(posts.empty).toBeGreaterThan(0);
    expect((await all(token, 'me/photos', { type: 'uploaded', limit: '10' })).ids).toHaveLength(34);
    expect((await all(token, 'me/photos', { limit: '100' })).ids).toHaveLength(3);
    expect((await all(token, 'me/albums', { limit: '2' })).ids).toHaveLength(3);
    const friends = await get(token, 'me/friends');
    expect(friends.body.summary).toEqual({ total_count: 300 });
    expect(friends.body.data).toHaveLength(2);
  });

  it('narrows posts by since and until', async () => {
    const token = await login();
    const every = await all(token, 'me/posts', { fields: 'id,created_time', limit: '100' });
    expect(every.ids.length).toBe(230);
    const first = await get(token, 'me/posts', { fields: 'id,created_time', limit: '100' });
    const times = (first.body.data ?? []).map((post) => Math.floor(Date.parse((post.created_time as string).replace('+0000', 'Z')) / 1000));
    const window = await all(token, 'me/posts', { fields: 'id', limit: '7', since: String(times[40]), until: String(times[10]) });
    expect(window.ids).toEqual(every.ids.slice(10, 41));
  });

  it('reports rising usage in X-App-Usage and throttles at the hourly budget with code 17', async () => {
    const token = await login();
    sandbox.admin.setQuota({ platform: 'facebook', account: 'fiona', remaining: 3 });
    const usage: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await get(token, 'me');
      usage.push((JSON.parse(answer.headers.get('x-app-usage') as string) as { call_count: number }).call_count);
    }
    expect(usage[2]).toBe(100);
    expect(usage[0]).toBeLessThan(usage[2]);
    const throttled = await get(token, 'me');
    expect(throttled.body.error).toMatchObject({ code: 17 });
    sandbox.admin.setClock({ advanceMs: 3600_000 + 120_000 });
    expect((await get(token, 'me')).status).toBe(200);
  });

  it('serves media behind signed links that expire, and cursors that stop working', async () => {
    const token = await login();
    const photos = await get(token, 'me/photos', { type: 'uploaded', fields: 'id,images', limit: '2' });
    const source = photos.body.data?.[0].images?.[0].source as string;
    expect((await fetch(source)).headers.get('content-type')).toBe('image/jpeg');
    const tampered = source.replace(/oh=[0-9a-f]+/, `oh=${'a'.repeat(32)}`);
    expect((await fetch(tampered)).status).toBe(403);
    sandbox.admin.setClock({ advanceMs: 2 * 3600_000 });
    expect((await fetch(source)).status).toBe(403);
    const stale = await get(token, photos.body.paging?.next as string);
    expect(stale.body.error).toMatchObject({ code: 100 });
    // Re-reading the photo gives a link that works again.
    const again = await get(token, photos.body.data?.[0].id as string, { fields: 'images' });
    const fresh = (again.body.images as { source: string }[])[0].source;
    expect((await fetch(fresh)).status).toBe(200);
  });
});
