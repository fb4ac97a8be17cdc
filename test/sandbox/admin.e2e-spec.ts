import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { admin, getJson, youtube } from './sandbox-client';

describe('platform sandbox: admin API', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => sandbox.admin.reset());

  it('creates, reads, resets and deletes accounts', async () => {
    const created = await admin<{ key: string; videos: number; channelId: string; sampleVideoIds: string[] }>(sandbox, 'POST', '/accounts', {
      key: 'zoe',
      seed: 7,
      videos: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'zoe', videos: 3 });
    expect(created.body.sampleVideoIds).toHaveLength(3);
    const list = await admin<{ key: string }[]>(sandbox, 'GET', '/accounts');
    expect(list.body.map((a) => a.key)).toEqual(['alice', 'bob', 'carol', 'zoe']);

    const token = sandbox.admin.issueTokens({ account: 'zoe' }).access_token;
    expect((await youtube(sandbox, token)('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    const reset = await admin<{ channelId: string }>(sandbox, 'POST', '/accounts/zoe/reset');
    expect(reset.body.channelId).toBe(created.body.channelId); // same data
    expect((await youtube(sandbox, token)('channels', { part: 'id', mine: 'true' })).status).toBe(401); // no tokens

    expect((await admin(sandbox, 'DELETE', '/accounts/zoe')).status).toBe(200);
    expect((await admin(sandbox, 'GET', '/accounts/zoe')).status).toBe(404);
  });

  it('refuses bad input with 400 and unknown routes with 404', async () => {
    expect((await admin(sandbox, 'POST', '/accounts', { key: '../etc' })).status).toBe(400);
    expect((await admin(sandbox, 'POST', '/accounts', { key: 'x', videos: -1 })).status).toBe(400);
    expect((await admin(sandbox, 'POST', '/accounts', { key: 'twin', seed: 'alice' })).status).toBe(400);
    expect((await admin(sandbox, 'POST', '/clock', { set: 'yesterday' })).status).toBe(400);
    expect((await admin(sandbox, 'POST', '/quota', { remaining: 3 })).status).toBe(400);
    expect((await admin(sandbox, 'GET', '/nothing')).status).toBe(404);
    const malformed = await getJson(`${sandbox.url}/__admin/accounts`, { method: 'POST', body: '{"key":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
  });

  it('registers OAuth clients with their own redirect URIs', async () => {
    const client = { clientId: 'se-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-x', redirectUris: ['https://se.example.com/cb'], allowLoopbackRedirects: false };
    expect((await admin(sandbox, 'POST', '/clients', client)).status).toBe(201);
    const url = (redirect: string): string =>
      `${sandbox.url}/o/oauth2/v2/auth?${new URLSearchParams({ client_id: client.clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid' }).toString()}`;
    const ok = await fetch(url('https://se.example.com/cb'), { redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(new URL(ok.headers.get('location') as string).searchParams.get('code')).toBeTruthy();
    expect((await fetch(url('http://127.0.0.1:5000/cb'), { redirect: 'manual' })).status).toBe(400);
  });

  it('resets everything to the start configuration', async () => {
    await admin(sandbox, 'POST', '/faults', { respond: 503, times: 'forever' });
    await admin(sandbox, 'POST', '/clock', { advanceMs: 86_400_000 });
    await admin(sandbox, 'POST', '/accounts', { key: 'temp' });
    const overview = await admin<{ faults: unknown[]; accounts: string[]; clock: { offsetMs: number } }>(sandbox, 'POST', '/reset');
    expect(overview.body.faults).toEqual([]);
    expect(overview.body.accounts).toEqual(['alice', 'bob', 'carol']);
    expect(Math.abs(overview.body.clock.offsetMs)).toBeLessThan(1000);
  });

  it('protects the admin API with a token when one is configured', async () => {
    const guarded = await startSandbox({ port: 0, adminToken: 'sesame' });
    try {
      expect((await getJson(`${guarded.url}/__admin/accounts`)).status).toBe(401);
      const ok = await getJson(`${guarded.url}/__admin/accounts`, { headers: { authorization: 'Bearer sesame' } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
