import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import type { TestApp } from '../support/test-app';
import { freshAccount, loginToken, startFacebookHarness } from './facebook-support';

interface Status {
  connected: boolean;
  needsReconnect: boolean;
  account: { id: string; name: string } | null;
  tokenExpiry: string | null;
  permissions: string[];
}

const DAY = 86_400_000;

/**
 * Connecting Facebook: through Facebook Login (the dialog with state and PKCE, the code exchanged and
 * then traded for a long-lived token), or with a pasted token, which is traded the same way; the
 * status shows the permissions and when the connection needs renewing.
 */
describe('Facebook connect', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  let userId: string;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startFacebookHarness());
    userId = (await freshAccount(sandbox, { key: 'cora', fbPosts: 1 })).userId;
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  async function signedIn(): Promise<{ Authorization: string }> {
    const { session } = await registerUser(t, { email: uniqueEmail('fbc'), name: 'Connect Tester' });
    return { Authorization: `Bearer ${session.token}` };
  }

  async function status(auth: { Authorization: string }): Promise<Status> {
    return ((await request(t.url).get('/api/platforms/facebook/status').set(auth).expect(200)).body as { data: Status }).data;
  }

  it('connects through the login dialog and stores a long-lived token', async () => {
    const auth = await signedIn();
    sandbox.admin.setConsent({ account: 'cora' });
    const start = await request(t.url).get('/api/platforms/facebook/oauth?mode=json').set(auth).expect(200);
    const authorizationUrl = new URL((start.body as { data: { authorizationUrl: string } }).data.authorizationUrl);
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${sandbox.env.FACEBOOK_GRAPH_URL}/dialog/oauth`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: sandbox.env.FACEBOOK_APP_ID,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: expect.stringContaining('user_posts') as unknown,
      state: expect.any(String) as unknown,
    });
    const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0].split(';')[0];
    const consent = await fetch(authorizationUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location') as string);
    const since = sandbox.admin.log().lastSeq;
    const res = await request(t.url).get(back.pathname + back.search).set('Cookie', cookie).set('X-Forwarded-For', '10.9.8.7').redirects(0);
    expect(res.status).toBe(200);
    // The code, then the long-lived token.
    expect(sandbox.admin.log({ since }).entries.filter((entry) => entry.api === 'facebook.oauth.access_token').map((entry) => entry.status)).toEqual([200, 200]);
    const connected = await status(auth);
    expect(connected).toMatchObject({ connected: true, needsReconnect: false, account: { id: userId }, permissions: expect.arrayContaining(['user_posts', 'user_photos']) as unknown });
    expect(Date.parse(connected.tokenExpiry as string) - Date.now()).toBeGreaterThan(50 * DAY);
  });

  it('trades a pasted short-lived token for a long-lived one', async () => {
    const auth = await signedIn();
    const accessToken = await loginToken(sandbox, 'cora');
    await request(t.url).post('/api/platforms/facebook/connect').set(auth).send({ accessToken }).expect(200);
    const connected = await status(auth);
    expect(Date.parse(connected.tokenExpiry as string) - Date.now()).toBeGreaterThan(50 * DAY);
  });

  it('refuses a token Meta does not know, in the error envelope', async () => {
    const auth = await signedIn();
    const res = await request(t.url).post('/api/platforms/facebook/connect').set(auth).send({ accessToken: 'EAAB-not-a-token' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });
  });
});
