import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { ApiBody, JsonResponse, YouTubeCall, admin, getJson, postForm, youtube } from './sandbox-client';

interface LogBody {
  faults: number;
  counts: Record<string, number>;
  unitsToday: Record<string, number>;
  entries: { api: string; status: number; fault: string | null; page: number | null; units: number }[];
}

describe('platform sandbox: fault injection', () => {
  let sandbox: RunningSandbox;
  let yt: YouTubeCall;
  let uploads: string;
  let tokens: { access_token: string; refresh_token?: string };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.admin.reset();
    tokens = sandbox.admin.issueTokens({ account: 'alice' });
    yt = youtube(sandbox, tokens.access_token);
    uploads = sandbox.admin.account('alice').uploadsPlaylistId as string;
  });

  const page = (pageToken?: string): Promise<JsonResponse<ApiBody>> =>
    yt('playlistItems', { part: 'contentDetails', playlistId: uploads, maxResults: 50, ...(pageToken ? { pageToken } : {}) });

  it('answers page 3 with 429 and Retry-After twice, then serves it; faults are not billed', async () => {
    const rule = await admin(sandbox, 'POST', '/faults', {
      match: { api: 'playlistItems.list', page: 3 },
      respond: 429,
      retryAfter: 2,
      times: 2,
    });
    expect(rule.status).toBe(201);
    const first = await page();
    const second = await page(first.body.nextPageToken);
    const token = second.body.nextPageToken as string;
    for (let attempt = 0; attempt < 2; attempt++) {
      const limited = await page(token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(limited.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] });
    }
    const third = await page(token);
    expect(third.status).toBe(200);
    expect(third.body.items).toHaveLength(37);

    const log = await admin<LogBody>(sandbox, 'GET', '/log');
    expect(log.body.counts['youtube.playlistItems.list']).toBe(5);
    expect(log.body.faults).toBe(2);
    expect(log.body.entries.filter((e) => e.fault !== null).map((e) => e.page)).toEqual([3, 3]);
    expect(log.body.unitsToday.alice).toBe(3);
  });

  it('sends Retry-After as an HTTP-date on the sandbox clock', async () => {
    await admin(sandbox, 'POST', '/clock', { set: '2026-05-01T12:00:00.000Z', freeze: true });
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.channels.list' }, respond: 503, retryAfterDate: 90 });
    const res = await yt('channels', { part: 'id', mine: 'true' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('Fri, 01 May 2026 12:01:30 GMT');
    expect(res.body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE', errors: [{ reason: 'backendError' }] });
  });

  it('fails with 503 a given number of times, then recovers', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { path: '/youtube/v3/channels' }, respond: 503, times: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await yt('channels', { part: 'id', mine: 'true' })).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
    const faults = await admin<{ fired: number; remaining: number }[]>(sandbox, 'GET', '/faults');
    expect(faults.body[0]).toMatchObject({ fired: 3, remaining: 0 });
  });

  it('serves a malformed JSON body with a correct length', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.playlistItems.list' }, respond: 'malformed' });
    const res = await fetch(`${sandbox.env.YOUTUBE_API_URL}/playlistItems?part=snippet&playlistId=${uploads}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text) as unknown).toThrow();
    // The next request is fine again.
    expect((await page()).status).toBe(200);
  });

  it('cuts the connection in the middle of a body', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.playlistItems.list' }, respond: 'truncated' });
    const res = await fetch(`${sandbox.env.YOUTUBE_API_URL}/playlistItems?part=snippet&maxResults=50&playlistId=${uploads}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('claims a 5 GB body that never comes', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.channels.list' }, respond: 'huge-length' });
    const res = await fetch(`${sandbox.env.YOUTUBE_API_URL}/channels?part=id&mine=true`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.headers.get('content-length')).toBe(String(5 * 1024 ** 3));
    await expect(res.text()).rejects.toThrow();
  });

  it('resets the connection, or never answers', async () => {
    await admin(sandbox, 'POST', '/faults', { faults: [{ match: { api: 'youtube.channels.list' }, respond: 'reset' }, { match: { api: 'youtube.videos.list' }, respond: 'hang' }] });
    await expect(fetch(`${sandbox.env.YOUTUBE_API_URL}/channels?part=id&mine=true`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).rejects.toThrow();
    await expect(
      fetch(`${sandbox.env.YOUTUBE_API_URL}/videos?part=id&id=x`, { headers: { authorization: `Bearer ${tokens.access_token}` }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
  });

  it('answers 200 with an error body, null items, or a repeated cursor', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.channels.list' }, respond: 'error-200' });
    const error200 = await yt('channels', { part: 'id', mine: 'true' });
    expect(error200.status).toBe(200);
    expect(error200.body.error?.errors[0].reason).toBe('backendError');

    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.playlistItems.list', page: 1 }, respond: 'null-items' });
    const nullItems = await getJson<Record<string, unknown>>(`${sandbox.env.YOUTUBE_API_URL}/playlistItems?part=id&playlistId=${uploads}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(nullItems.body.items).toBeNull();

    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.playlistItems.list', page: 2 }, respond: 'repeat-cursor' });
    const first = await page();
    const second = await page(first.body.nextPageToken);
    expect(second.body.nextPageToken).toBe(first.body.nextPageToken);
  });

  it('puts a 10 MB description into the first item', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.videos.list' }, respond: 'huge-field' });
    const id = sandbox.admin.account('alice').sampleVideoIds[0];
    const res = await yt('videos', { part: 'snippet', id, prettyPrint: 'false' });
    expect(res.body.items[0].snippet?.description).toHaveLength(10 * 1024 * 1024);
  });

  it('trickles a slow body that still arrives whole', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { api: 'youtube.channels.list' }, respond: 'slow', chunkBytes: 256, delayMs: 1 });
    const res = await yt('channels', { part: 'snippet', mine: 'true' });
    expect(res.status).toBe(200);
    expect(res.body.items[0].id).toBe(sandbox.admin.account('alice').channelId);
  });

  it('answers with a chosen reason, for a chosen account, after letting some calls through', async () => {
    await admin(sandbox, 'POST', '/faults', { match: { account: 'bob' }, respond: { status: 403, reason: 'quotaExceeded' }, afterCalls: 1, times: 'forever' });
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    const bob = youtube(sandbox, sandbox.admin.issueTokens({ account: 'bob' }).access_token);
    expect((await bob('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await bob('channels', { part: 'id', mine: 'true' });
      expect(res.status).toBe(403);
      expect(res.body.error?.errors[0]).toMatchObject({ reason: 'quotaExceeded', domain: 'youtube.quota' });
    }
  });

  it('refuses an invalid fault plan', async () => {
    const res = await admin<{ error: string }>(sandbox, 'POST', '/faults', { respond: 'explode' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('respond');
  });

  it('expires an access token after N calls, and a refresh brings a working one', async () => {
    const expire = await admin<{ tokens: number }>(sandbox, 'POST', '/tokens/expire', { account: 'alice', afterCalls: 2 });
    expect(expire.body.tokens).toBe(1);
    expect((await page()).status).toBe(200);
    expect((await page()).status).toBe(200);
    const dead = await page();
    expect(dead.status).toBe(401);
    expect(dead.body.error?.errors[0].reason).toBe('authError');
    const refreshed = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(refreshed.status).toBe(200);
    const again = await youtube(sandbox, refreshed.body.access_token as string)('channels', { part: 'id', mine: 'true' });
    expect(again.status).toBe(200);
  });

  it('injects OAuth-shaped errors at the token endpoint', async () => {
    await admin(sandbox, 'POST', '/faults', { faults: [{ match: { api: 'oauth.token' }, respond: 400 }, { match: { api: 'oauth.token' }, respond: 503 }] });
    const form = {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    };
    const first = await postForm(sandbox.env.GOOGLE_TOKEN_URL, form);
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('invalid_grant');
    const second = await postForm(sandbox.env.GOOGLE_TOKEN_URL, form);
    expect(second.status).toBe(503);
    expect(second.body.error).toBe('temporarily_unavailable');
    expect((await postForm(sandbox.env.GOOGLE_TOKEN_URL, form)).status).toBe(200);
  });

  it('adds latency to matching requests without changing the answer', async () => {
    const added = await admin<unknown[]>(sandbox, 'POST', '/latency', { ms: 20, jitterMs: 5, match: { api: 'youtube.playlistItems.list' } });
    expect(added.body).toHaveLength(1);
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(50);
    await admin(sandbox, 'DELETE', '/latency');
    expect((await admin<unknown[]>(sandbox, 'GET', '/latency')).body).toEqual([]);
  });

  it('keeps the error shape on every YouTube failure', async () => {
    const bodies: ApiBody[] = [];
    await admin(sandbox, 'POST', '/faults', { faults: [500, 502, 503, 504, 429, 401, 403].map((status) => ({ match: { api: 'youtube.channels.list' }, respond: status })) });
    for (let i = 0; i < 7; i++) bodies.push((await yt('channels', { part: 'id', mine: 'true' })).body);
    for (const body of bodies) {
      expect(body.error).toEqual({ code: expect.any(Number), message: expect.any(String), errors: [expect.objectContaining({ reason: expect.any(String), domain: expect.any(String) })], status: expect.any(String) });
    }
  });
});
