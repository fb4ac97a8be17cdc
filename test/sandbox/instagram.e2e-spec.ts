import { instagramLogin, RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';

/** The Instagram website stand-in, spoken to the way the site's own web app speaks to it. */
describe('platform sandbox: Instagram website', () => {
  let sandbox: RunningSandbox;
  const ivy = { key: 'ivy', instagram: { posts: 14, saved: 5 } };
  const gone = (endsWith: string) => ({ key: `gone-${endsWith}`, instagram: { posts: 3, sessionEndsAfter: 1, endsWith: endsWith as 'login' } });
  const APP_ID = '936619743392459';

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, accounts: [ivy, ...['unauthorized', 'login', 'challenge', 'checkpoint', 'html'].map(gone)] });
  });
  afterAll(() => sandbox.close());

  const call = (path: string, cookie: string, init: RequestInit = {}, headers: Record<string, string> = { 'x-ig-app-id': APP_ID }): Promise<Response> =>
    fetch(`${sandbox.env.INSTAGRAM_WEB_URL}${path}`, { redirect: 'manual', ...init, headers: { cookie, ...headers, ...((init.headers) ?? {}) } });
  const session = (spec: { key: string }): string => `sessionid=${instagramLogin(spec).sessionid}`;

  it('serves the logged-in home page with the viewer and a csrftoken, and sends the logged-out to the login page', async () => {
    const home = await call('/', session(ivy));
    expect(home.status).toBe(200);
    expect(home.headers.get('set-cookie')).toMatch(/^csrftoken=/);
    expect(await home.text()).toContain(`"viewerId":"${instagramLogin(ivy).ds_user_id}"`);
    const out = await call('/', 'sessionid=unknown');
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toContain('/instagram/accounts/login/');
  });

  it('refuses API calls without the web app id, and POSTs without the CSRF token', async () => {
    const pk = instagramLogin(ivy).ds_user_id;
    const noApp = await call(`/api/v1/users/${pk}/info/`, session(ivy), {}, {});
    expect(noApp.status).toBe(400);
    expect(await noApp.json()).toMatchObject({ message: 'useragent mismatch', status: 'fail' });
    const form = { method: 'POST', body: new URLSearchParams({ target_user_id: pk, page_size: '12' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect((await call('/api/v1/clips/user/', `${session(ivy)}; csrftoken=t1`, form)).status).toBe(403);
    const clips = await call('/api/v1/clips/user/', `${session(ivy)}; csrftoken=t1`, { ...form, headers: { ...form.headers, 'x-csrftoken': 't1' } });
    expect(clips.status).toBe(200);
    const body = (await clips.json()) as { items: { media: { product_type: string } }[]; paging_info: { more_available: boolean } };
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((item) => item.media.product_type === 'clips')).toBe(true);
  });

  it('pages the grid with max_id / next_max_id until more_available is false, ids as strings above 2^53', async () => {
    const pk = instagramLogin(ivy).ds_user_id;
    const ids: string[] = [];
    let maxId: string | undefined;
    let pages = 0;
    do {
      const res = await call(`/api/v1/feed/user/${pk}/?count=5${maxId ? `&max_id=${maxId}` : ''}`, session(ivy));
      const page = (await res.json()) as { items: { pk: string; media_type: number; carousel_media?: unknown[] }[]; more_available: boolean; next_max_id?: string };
      ids.push(...page.items.map((item) => item.pk));
      expect(page.items.filter((item) => item.media_type === 8).every((item) => (item.carousel_media ?? []).length === 3)).toBe(true);
      maxId = page.more_available ? page.next_max_id : undefined;
      pages += 1;
    } while (maxId);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(14);
    expect(ids.every((id) => typeof id === 'string' && BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect((await call(`/api/v1/feed/user/${pk}/?max_id=nonsense`, session(ivy))).status).toBe(400);
  });

  it('serves stories, highlights, saved posts and threaded comments, with media on its CDN', async () => {
    const pk = instagramLogin(ivy).ds_user_id;
    const stories = (await (await call(`/api/v1/feed/reels_media/?reel_ids=${pk}`, session(ivy))).json()) as { reels: Record<string, { items: { image_versions2: { candidates: { url: string; width: number }[] } }[] }> };
    const story = stories.reels[pk].items[0];
    const [largest, smaller] = story.image_versions2.candidates;
    expect(largest.width).toBeGreaterThan(smaller.width);
    const file = await fetch(largest.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    const tray = (await (await call(`/api/v1/highlights/${pk}/highlights_tray/`, session(ivy))).json()) as { tray: { id: string }[] };
    expect(tray.tray.map((entry) => entry.id)).toEqual([expect.stringMatching(/^highlight:\d+$/), expect.stringMatching(/^highlight:\d+$/)]);
    const saved = (await (await call('/api/v1/feed/saved/posts/', session(ivy))).json()) as { items: unknown[]; more_available: boolean };
    expect(saved).toMatchObject({ more_available: true });
    const grid = (await (await call(`/api/v1/feed/user/${pk}/`, session(ivy))).json()) as { items: { pk: string; comment_count: number }[] };
    const post = grid.items.find((item) => item.comment_count > 0) as { pk: string };
    const first = (await (await call(`/api/v1/media/${post.pk}/comments/?can_support_threading=true`, session(ivy))).json()) as { comments: { pk: string; child_comment_count: number }[]; has_more_comments: boolean; next_min_id: string };
    expect(first).toMatchObject({ has_more_comments: true });
    const second = (await (await call(`/api/v1/media/${post.pk}/comments/?min_id=${encodeURIComponent(first.next_min_id)}`, session(ivy))).json()) as { has_more_comments: boolean };
    expect(second.has_more_comments).toBe(false);
    const threaded = first.comments.find((comment) => comment.child_comment_count > 0) as { pk: string };
    const replies = (await (await call(`/api/v1/media/${post.pk}/comments/${threaded.pk}/child_comments/`, session(ivy))).json()) as { child_comments: { parent_comment_id: string }[] };
    expect(replies.child_comments.map((reply) => reply.parent_comment_id)).toEqual([threaded.pk, threaded.pk]);
  });

  it.each([
    ['unauthorized', 401, null, 'application/json'],
    ['login', 302, '/instagram/accounts/login/', null],
    ['challenge', 302, '/instagram/challenge/', null],
    ['checkpoint', 400, null, 'application/json'],
    ['html', 200, null, 'text/html'],
  ])('ends a session with %s once it has served its requests', async (endsWith, status, location, type) => {
    const spec = gone(endsWith);
    const pk = instagramLogin(spec).ds_user_id;
    expect((await call(`/api/v1/users/${pk}/info/`, session(spec))).status).toBe(200);
    const dead = await call(`/api/v1/feed/user/${pk}/`, session(spec));
    expect(dead.status).toBe(status);
    if (location) expect(dead.headers.get('location')).toContain(location);
    if (type) expect(dead.headers.get('content-type')).toContain(type);
    if (endsWith === 'checkpoint') expect(await dead.json()).toMatchObject({ message: 'checkpoint_required', status: 'fail' });
  });

  it('answers a 429 fault in the site shape and records each request with its time', async () => {
    sandbox.admin.addFault({ match: { api: 'instagram.feed.saved' }, respond: 429 });
    const limited = await call('/api/v1/feed/saved/posts/', session(ivy));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ message: 'Please wait a few minutes before you try again.', status: 'fail' });
    const log = sandbox.admin.log({ account: 'ivy' }).entries;
    expect(log.length).toBeGreaterThan(5);
    expect(log.every((entry) => !Number.isNaN(Date.parse(entry.at)))).toBe(true);
  });
});
