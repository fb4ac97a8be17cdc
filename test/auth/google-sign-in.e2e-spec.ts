import { createServer } from 'node:net';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { database, newAddress, registerUser } from '../support/auth-helpers';
import { freePort } from '../support/redis-server';
import { TestApp, TestEnv, startTestApp } from '../support/test-app';

const FRONTEND_URL = 'https://app.example.com';

interface StartedSignIn {
  address: string;
  /** `name=value` of the nonce cookie, as the browser would send it back. */
  cookie: string;
  /** The callback path and query Google redirected the browser to. */
  callbackPath: string;
}

/** The Google account that consents next, as the sandbox holds it. */
interface GoogleAccount {
  key: string;
  sub: string;
  email: string;
  name: string;
}

/**
 * The app on a port chosen up front, so that PUBLIC_URL, from which it builds its callback URL,
 * names the app itself; the platform sandbox stands in for Google.
 */
async function startWithGoogle(sandbox: RunningSandbox, env: TestEnv): Promise<TestApp> {
  const port = await freePort();
  return startTestApp({ ...sandbox.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
}

const callbackUrl = (t: TestApp): string => `${t.url}/api/auth/google/callback`;

/** Starts a sign-in as a browser would and lets the sandbox consent, up to the redirect back. */
async function startSignIn(t: TestApp, query: Record<string, string> = {}): Promise<StartedSignIn> {
  const address = newAddress();
  const start = await request(t.url).get('/api/auth/google').query(query).set('X-Forwarded-For', address).expect(302);
  const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const consent = await fetch(start.headers.location, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location') as string);
  expect(`${back.origin}${back.pathname}`).toBe(callbackUrl(t));
  return { address, cookie, callbackPath: `${back.pathname}${back.search}` };
}

function finish(t: TestApp, { address, cookie, callbackPath }: StartedSignIn): request.Test {
  return request(t.url).get(callbackPath).set('X-Forwarded-For', address).set('Cookie', cookie);
}

/** The same sign-in, with one query parameter of the callback replaced (or removed when undefined). */
function withParam(started: StartedSignIn, name: string, value: string | undefined): StartedSignIn {
  const url = new URL(started.callbackPath, 'http://x');
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return { ...started, callbackPath: `${url.pathname}${url.search}` };
}

const paramOf = (started: StartedSignIn, name: string): string =>
  new URL(started.callbackPath, 'http://x').searchParams.get(name) as string;

const fragmentOf = (location: string): URLSearchParams => new URLSearchParams(new URL(location).hash.slice(1));

describe('Google sign-in', () => {
  let google: RunningSandbox;
  let accounts = 0;

  beforeAll(async () => {
    google = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await google?.close();
  });

  /** A new Google account, which consents to every sign-in from now on. */
  const newGoogleAccount = (fields: { email?: string; name?: string } = {}): GoogleAccount => {
    accounts += 1;
    const key = `google-${accounts}`;
    const summary = google.admin.createAccount({ key, email: `${key}@gmail.com`, name: `Google ${accounts}`, videos: 0, ...fields });
    google.admin.setConsent({ account: key });
    return { key, sub: summary.sub, email: summary.email, name: summary.name };
  };
  /** The next userinfo answer, as Google would send it for the consenting account but with `claims` changed. */
  const nextUserinfo = (account: GoogleAccount, claims: Record<string, unknown>): void => {
    const body = { sub: account.sub, name: account.name, email: account.email, email_verified: true, ...claims };
    google.admin.addFault({ match: { api: 'oauth.userinfo' }, respond: { status: 200, body } });
  };
  const tokenRequests = (): number => google.admin.log().counts['oauth.token'] ?? 0;

  describe('with FRONTEND_URL', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startWithGoogle(google, { FRONTEND_URL, TRUST_PROXY: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    const userCount = async (): Promise<number> => {
      const [row]: { count: number }[] = await database(t).query('SELECT count(*)::int AS count FROM users');
      return row.count;
    };
    const me = (token: string) => request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    const post = (path: string, body: object) => request(t.url).post(path).set('X-Forwarded-For', newAddress()).send(body);
    const expectBadRequest = (res: request.Response, reason?: RegExp): void => {
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
      if (reason) expect(res.body.error).toMatch(reason);
    };

    it('redirects to Google with openid email profile, a signed state and a PKCE S256 challenge', async () => {
      const res = await request(t.url).get('/api/auth/google').set('X-Forwarded-For', newAddress()).expect(302);
      expect(res.headers['cache-control']).toBe('no-store');
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(google.env.GOOGLE_AUTH_URL);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        response_type: 'code',
        client_id: google.env.GOOGLE_CLIENT_ID,
        redirect_uri: callbackUrl(t),
        scope: 'openid email profile',
        state: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        code_challenge_method: 'S256',
      });
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(/^star_export_google_nonce=[0-9a-f-]{36}; Max-Age=600; Path=\/api\/auth\/google; /);
      expect(cookie).toMatch(/; HttpOnly; SameSite=Lax$/);
    });

    it('creates an account for a new Google user and lands on FRONTEND_URL with the tokens in the fragment', async () => {
      const account = newGoogleAccount({ name: 'Grace \u202EHopper' });
      const res = await finish(t, await startSignIn(t)).expect(302);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.location).toMatch(/^https:\/\/app\.example\.com\/#token=[^&]+&refreshToken=[^&]+$/);
      const fragment = fragmentOf(res.headers.location);
      const profile = await me(fragment.get('token') as string);
      expect(profile.body.data).toMatchObject({ email: account.email, name: 'Grace Hopper', platforms: [] });
      // The same access token as the download cookie, for archives opened by navigating to them.
      const cookies = res.headers['set-cookie'] as unknown as string[];
      expect(cookies).toContainEqual(expect.stringMatching(new RegExp(`^star_export_download=${fragment.get('token')}; Max-Age=900; Path=/api/export; `)));

      // No password was set, so password sign-in fails like any other.
      const login = await post('/api/auth/login', { email: account.email, password: 'anything at all' });
      expect(login.status).toBe(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
      // The refresh token is a real one.
      await post('/api/auth/refresh', { refreshToken: fragment.get('refreshToken') }).expect(200);
    });

    it('signs the same Google account into the same account again', async () => {
      newGoogleAccount();
      const first = fragmentOf((await finish(t, await startSignIn(t)).expect(302)).headers.location);
      const second = fragmentOf((await finish(t, await startSignIn(t)).expect(302)).headers.location);
      const firstUser = (await me(first.get('token') as string)).body.data;
      const secondUser = (await me(second.get('token') as string)).body.data;
      expect(secondUser.id).toBe(firstUser.id);
    });

    it('never signs in to an account that has the Google email but no Google link: the frontend shows ACCOUNT_EXISTS_LINK_REQUIRED', async () => {
      const existing = await registerUser(t);
      newGoogleAccount({ email: existing.email.toUpperCase() });
      const before = await userCount();
      const res = await finish(t, await startSignIn(t)).expect(302);
      expect(res.headers.location.startsWith(`${FRONTEND_URL}/#`)).toBe(true);
      const fragment = fragmentOf(res.headers.location);
      expect(fragment.get('error')).toBe('ACCOUNT_EXISTS_LINK_REQUIRED');
      expect(fragment.has('token')).toBe(false);
      expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringMatching(/^star_export_download=/));
      const rows: { google_id: string | null }[] = await database(t).query('SELECT google_id FROM users WHERE email = $1', [
        existing.email,
      ]);
      expect(rows[0].google_id).toBeNull();
      expect(await userCount()).toBe(before);
      await post('/api/auth/login', { email: existing.email, password: existing.password }).expect(200);
    });

    it('neither links nor creates an account for an unverified Google email', async () => {
      const existing = await registerUser(t);
      const account = newGoogleAccount();
      for (const unverified of [false, 'false', undefined]) {
        nextUserinfo(account, { email: existing.email, email_verified: unverified });
        const before = await userCount();
        const res = await finish(t, await startSignIn(t)).expect(302);
        expect(fragmentOf(res.headers.location).get('error')).toBe('FORBIDDEN');
        const rows: { google_id: string | null }[] = await database(t).query(
          'SELECT google_id FROM users WHERE email = $1',
          [existing.email],
        );
        expect(rows[0].google_id).toBeNull();
        expect(await userCount()).toBe(before);
      }
    });

    it('answers 502 when Google names no account (no sub), creating nothing', async () => {
      nextUserinfo(newGoogleAccount(), { sub: '' });
      const before = await userCount();
      const res = await finish(t, await startSignIn(t)).expect(502);
      expect(res.body).toMatchObject({ success: false, code: 'BAD_GATEWAY' });
      expect(await userCount()).toBe(before);
    });

    it('honours returnTo on the frontend origin only (row 19)', async () => {
      newGoogleAccount();
      const landing = async (returnTo: string): Promise<string> => {
        const location = (await finish(t, await startSignIn(t, { returnTo })).expect(302)).headers.location;
        return location.slice(0, location.indexOf('#'));
      };
      expect(await landing('/exports?status=completed')).toBe(`${FRONTEND_URL}/exports?status=completed`);
      expect(await landing(`${FRONTEND_URL}/settings#old`)).toBe(`${FRONTEND_URL}/settings`);
      const hostile = [
        'https://evil.example/steal',
        '//evil.example',
        '/\\evil.example',
        'javascript:alert(1)',
        'https://app.example.com.evil.example/',
      ];
      for (const returnTo of hostile) {
        expect(await landing(returnTo)).toBe(`${FRONTEND_URL}/`);
      }
    });

    describe('refuses a bad state with 400, before the code is exchanged and without creating anyone (row 18)', () => {
      let usersBefore: number;
      let tokenRequestsBefore: number;

      beforeEach(async () => {
        newGoogleAccount();
        usersBefore = await userCount();
        tokenRequestsBefore = tokenRequests();
      });
      afterEach(async () => {
        expect(await userCount()).toBe(usersBefore);
        expect(tokenRequests()).toBe(tokenRequestsBefore);
      });

      it('a missing state', async () => {
        const started = await startSignIn(t);
        expectBadRequest(await finish(t, withParam(started, 'state', undefined)), /Missing state/);
      });

      it('a forged state', async () => {
        const started = await startSignIn(t);
        const [body, signature] = paramOf(started, 'state').split('.');
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
        const forgedBody = Buffer.from(JSON.stringify({ ...payload, r: 'https://evil.example/' })).toString('base64url');
        const forgeries = [`${forgedBody}.${signature}`, `${body}.${signature.slice(1)}x`, `${body}.${signature}.x`];
        for (const forged of [...forgeries, 'garbage']) {
          expectBadRequest(await finish(t, withParam(started, 'state', forged)), /Invalid state/);
        }
      });

      it("a state from someone else's sign-in (another browser)", async () => {
        const victim = await startSignIn(t);
        const attacker = await startSignIn(t);
        expectBadRequest(await finish(t, { ...attacker, cookie: victim.cookie }), /another browser/);
        expectBadRequest(await finish(t, { ...attacker, cookie: '' }), /another browser/);
      });

      it('an expired state', async () => {
        const started = await startSignIn(t);
        const later = Date.now() + 11 * 60 * 1000;
        const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
        try {
          expectBadRequest(await finish(t, started), /expired/);
        } finally {
          clock.mockRestore();
        }
      });
    });

    it('refuses a replayed state after a successful sign-in, creating nothing more', async () => {
      newGoogleAccount();
      const started = await startSignIn(t);
      await finish(t, started).expect(302);
      const users = await userCount();
      expectBadRequest(await finish(t, started), /already used/);
      expect(await userCount()).toBe(users);
    });

    it('answers 400 to a replayed code or one issued for another PKCE challenge (row 18)', async () => {
      newGoogleAccount();
      const first = await startSignIn(t);
      await finish(t, first).expect(302);
      const users = await userCount();

      const replay = await startSignIn(t);
      expectBadRequest(await finish(t, withParam(replay, 'code', paramOf(first, 'code'))), /authorization code/);

      const unused = await startSignIn(t);
      const other = await startSignIn(t);
      expectBadRequest(await finish(t, withParam(other, 'code', paramOf(unused, 'code'))), /authorization code/);
      expect(await userCount()).toBe(users);
    });

    it('answers 400 to a callback without a code and 403 when the user declined', async () => {
      const callback = (query: string) =>
        request(t.url).get(`/api/auth/google/callback${query}`).set('X-Forwarded-For', newAddress());
      expectBadRequest(await callback(''), /Missing authorization code/);
      expectBadRequest(await callback('?code=a&code=b&state=s'));
      const declined = await callback('?error=access_denied&state=s');
      expect(declined.status).toBe(403);
      expect(declined.body.code).toBe('FORBIDDEN');
    });
  });

  describe('without FRONTEND_URL', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startWithGoogle(google, { FRONTEND_URL: undefined, TRUST_PROXY: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers the session as JSON in the spec shape and ignores returnTo', async () => {
      newGoogleAccount({ email: 'json-user@gmail.com', name: 'Jason' });
      const res = await finish(t, await startSignIn(t, { returnTo: 'https://evil.example' })).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        success: true,
        data: {
          user: { id: expect.any(String), email: 'json-user@gmail.com', name: 'Jason' },
          token: expect.any(String),
          refreshToken: expect.any(String),
        },
      });
    });
  });

  describe('when the token endpoint is unreachable', () => {
    let t: TestApp;

    beforeAll(async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      const unreachable = `http://127.0.0.1:${closedPort}/token`;
      t = await startWithGoogle(google, { GOOGLE_TOKEN_URL: unreachable, TRUST_PROXY: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 502 BAD_GATEWAY and creates nothing', async () => {
      newGoogleAccount();
      const res = await finish(t, await startSignIn(t)).expect(502);
      expect(res.body).toMatchObject({ success: false, code: 'BAD_GATEWAY' });
      const rows: unknown[] = await database(t).query('SELECT id FROM users');
      expect(rows).toHaveLength(0);
    });
  });

  describe('when Google is not configured', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined, TRUST_PROXY: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 503 PROVIDER_NOT_CONFIGURED on both routes', async () => {
      for (const path of ['/api/auth/google', '/api/auth/google/callback?code=c&state=s']) {
        const res = await request(t.url).get(path).set('X-Forwarded-For', newAddress()).expect(503);
        expect(res.body).toEqual({ success: false, error: expect.any(String), code: 'PROVIDER_NOT_CONFIGURED' });
      }
    });
  });
});
