import request from 'supertest';
import { Harness, User, YOUTUBE_READONLY, clientAddress, connect, connectionRow, newUser, startHarness, status } from './platforms-support';

/** GET /api/platforms, and the bad-input matrix (reliability-security.md §9, row 39 and its neighbours). */
describe('Platforms catalogue and bad input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** An error envelope with this status (and code, when given), and nothing else: no stack, no echo of internals. */
  const expectError = (res: request.Response, status: number, code?: string): void => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ success: false, code: code ?? expect.any(String), error: expect.any(String) });
    expect(Object.keys(res.body as object).every((key) => ['success', 'error', 'code', 'details'].includes(key))).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
  };

  it('lists the catalogue publicly, each entry exactly in the shape of the spec', async () => {
    const res = await request(h.t.url).get('/api/platforms').set('X-Forwarded-For', clientAddress()).expect(200);
    expect(res.body).toEqual({ success: true, data: expect.any(Array) });
    const entries = (res.body as { data: Record<string, unknown>[] }).data;
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(['authType', 'displayName', 'exportFormats', 'features', 'name']);
      expect(entry).toEqual({
        name: expect.stringMatching(/^[a-z]+$/),
        displayName: expect.any(String),
        authType: expect.any(String),
        exportFormats: expect.arrayContaining(['json']),
        features: expect.any(Object),
      });
      expect(Object.values(entry.features as object).every((value) => typeof value === 'boolean')).toBe(true);
    }
    const youtube = entries.find((entry) => entry.name === 'youtube');
    expect(youtube).toEqual({
      name: 'youtube',
      displayName: 'YouTube',
      authType: 'oauth',
      exportFormats: expect.arrayContaining(['json', 'csv']),
      features: expect.objectContaining({ videos: true, playlists: true, comments: true, analytics: false }),
    });
  });

  it('answers 404 PLATFORM_NOT_FOUND for platforms it does not know, however they are spelled', async () => {
    const user = await newUser(h.t);
    // `youtube%00` is refused before routing, as every NUL is (test/security/nul-bytes).
    const names = ['tiktok', 'YouTube%20', 'YOUTUBE', 'you%2Ftube', '..%2Fyoutube', 'x'.repeat(300)];
    for (const name of names) {
      const routes = [
        request(h.t.url).post(`/api/platforms/${name}/connect`).set(user.auth).send({ accessToken: 'ya29.valid-looking-token' }),
        request(h.t.url).post(`/api/platforms/${name}/disconnect`).set(user.auth),
        request(h.t.url).get(`/api/platforms/${name}/status`).set(user.auth),
        request(h.t.url).get(`/api/platforms/${name}/oauth`).set(user.auth).redirects(0),
      ];
      // An encoded slash is no platform name at all: the router's own 404 (NOT_FOUND) is as good.
      const codes = name.includes('%2F') ? ['PLATFORM_NOT_FOUND', 'NOT_FOUND'] : ['PLATFORM_NOT_FOUND'];
      for (const route of routes) {
        const res = await route;
        expectError(res, 404);
        expect(codes).toContain((res.body as { code: string }).code);
        expect(JSON.stringify(res.body)).not.toContain('ya29.valid-looking-token');
      }
    }
    const callback = await request(h.t.url).get('/api/platforms/tiktok/oauth/callback?code=c&state=s').set('X-Forwarded-For', clientAddress()).redirects(0);
    expectError(callback, 404, 'PLATFORM_NOT_FOUND');
  });

  it('refuses missing, non-string, empty, oversized and extra fields with 400 INVALID_FORMAT, never echoing a token', async () => {
    const secret = 'ya29.secret-access-token-value';
    const refresh = '1//secret-refresh-token-value';
    const bodies: [object, string][] = [
      [{}, 'accessToken'],
      [{ refreshToken: refresh }, 'accessToken'],
      [{ accessToken: '' }, 'accessToken'],
      [{ accessToken: 12345 }, 'accessToken'],
      [{ accessToken: { token: secret } }, 'accessToken'],
      [{ accessToken: [secret] }, 'accessToken'],
      [{ accessToken: null }, 'accessToken'],
      [{ accessToken: true }, 'accessToken'],
      [{ accessToken: secret, refreshToken: 42 }, 'refreshToken'],
      [{ accessToken: secret, refreshToken: { value: refresh } }, 'refreshToken'],
      [{ accessToken: secret, refreshToken: [refresh] }, 'refreshToken'],
      [{ accessToken: `${secret}-${'x'.repeat(5000)}` }, 'accessToken'],
      [{ accessToken: secret, refreshToken: `${refresh}-${'x'.repeat(5000)}` }, 'refreshToken'],
      [{ accessToken: secret, userId: '00000000-0000-0000-0000-000000000000' }, 'userId'],
      [{ accessToken: secret, refreshToken: refresh, platform: 'youtube' }, 'platform'],
      [{ accessToken: secret, expiresAt: '2099-01-01T00:00:00Z' }, 'expiresAt'],
    ];
    // The general limit is 100 requests a minute per user: a few users share the work.
    let user: User = await newUser(h.t);
    for (const [index, [body, field]] of bodies.entries()) {
      if (index % 8 === 7) user = await newUser(h.t);
      const res = await connect(h.t, user, body);
      expectError(res, 400, 'INVALID_FORMAT');
      expect(res.body).toMatchObject({ details: expect.arrayContaining([expect.objectContaining({ field })]) });
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(JSON.stringify(res.body)).not.toContain(refresh);
      expect(await connectionRow(h.t, user.session.user.id)).toBeNull();
    }

    for (const raw of ['{"accessToken": ', 'null', '[]', `["${secret}"]`, `"${secret}"`]) {
      const res = await request(h.t.url).post('/api/platforms/youtube/connect').set(user.auth).set('Content-Type', 'application/json').send(raw);
      expectError(res, 400, 'INVALID_FORMAT');
      expect(JSON.stringify(res.body)).not.toContain(secret);
    }
    const form = await request(h.t.url).post('/api/platforms/youtube/connect').set(user.auth).type('form').send({ accessToken: secret });
    expect([400, 415]).toContain(form.status);
    expect(JSON.stringify(form.body)).not.toContain(secret);
  });

  it('refuses a 1 MB token with 413 PAYLOAD_TOO_LARGE (over the body limit), without echoing it', async () => {
    const user = await newUser(h.t);
    const huge = `ya29.${'A'.repeat(1024 * 1024)}`;
    const res = await connect(h.t, user, { accessToken: huge });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(JSON.stringify(res.body)).not.toContain('A'.repeat(64));
    // Just under the limit is still refused, by the field's own limit.
    const large = await connect(h.t, user, { accessToken: `ya29.${'A'.repeat(1000 * 1000)}` });
    expectError(large, 400, 'INVALID_FORMAT');
    expect(JSON.stringify(large.body)).not.toContain('A'.repeat(64));
    expect(await connectionRow(h.t, user.session.user.id)).toBeNull();
  });

  it('answers 401 AUTH_REQUIRED without a bearer token on every route but the catalogue and the callback', async () => {
    const routes = [
      request(h.t.url).post('/api/platforms/youtube/connect').send({ accessToken: 'ya29.x' }),
      request(h.t.url).post('/api/platforms/youtube/disconnect'),
      request(h.t.url).get('/api/platforms/youtube/status'),
      request(h.t.url).get('/api/platforms/youtube/oauth').redirects(0),
      request(h.t.url).get('/api/platforms/youtube/oauth?mode=json'),
    ];
    for (const route of routes) expectError(await route.set('X-Forwarded-For', clientAddress()), 401, 'AUTH_REQUIRED');
    const garbage = await request(h.t.url).get('/api/platforms/youtube/status').set('Authorization', 'Bearer a.b.c');
    expectError(garbage, 401, 'INVALID_TOKEN');
  });

  it("keeps users apart: B's status and disconnect never touch A's connection", async () => {
    const a = await newUser(h.t);
    const b = await newUser(h.t);
    const tokens = h.sandbox.admin.issueTokens({ account: 'alice', scopes: [YOUTUBE_READONLY] });
    await connect(h.t, a, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token }).expect(200);
    const before = await connectionRow(h.t, a.session.user.id);

    expect(await status(h.t, b)).toMatchObject({ connected: false, account: null, tokenExpiry: null, permissions: [], quotaUsage: { used: 0 } });
    await request(h.t.url).post('/api/platforms/youtube/disconnect').set(b.auth).expect(200);
    const me = await request(h.t.url).get('/api/auth/me').set(b.auth).expect(200);
    expect((me.body as { data: { platforms: string[] } }).data.platforms).toEqual([]);

    const after = await connectionRow(h.t, a.session.user.id);
    expect(after?.credentials).toBe(before?.credentials);
    expect(await status(h.t, a)).toMatchObject({ connected: true, account: { id: h.sandbox.admin.account('alice').channelId } });
    // A's grant is still alive at Google.
    expect(h.sandbox.admin.log({ api: 'oauth.revoke' }).entries).toHaveLength(0);
  });
});
