import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { PlatformAccess } from '../../apps/api/src/modules/platforms/platform-access';
import { database } from '../support/auth-helpers';
import { serverMode } from '../support/test-app';
import {
  Harness,
  User,
  YOUTUBE_READONLY,
  clientAddress,
  connect,
  connectionRow,
  dumpDatabase,
  dumpRedis,
  expectNoTokens,
  newUser,
  startHarness,
  status,
  storedCredentials,
  tokenInfo,
} from './platforms-support';

const CALLBACK_PATH = '/api/platforms/youtube/oauth/callback';

/** GET /oauth as the user, without following the redirect. */
function startOAuth(h: Harness, user: User, query = ''): request.Test {
  return request(h.t.url).get(`/api/platforms/youtube/oauth${query}`).set(user.auth).redirects(0);
}

/** The browser at the sandbox's consent screen, which consents at once: where it is sent back to. */
async function consent(authorizationUrl: string): Promise<URL> {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') as string);
}

/** The browser arriving back at the app's callback (a public route: from an address of its own). */
function callback(h: Harness, url: URL): request.Test {
  expect(url.origin + url.pathname).toBe(`${h.t.url}${CALLBACK_PATH}`);
  return request(h.t.url)
    .get(url.pathname + url.search)
    .set('X-Forwarded-For', clientAddress())
    .redirects(0);
}

async function connectionCount(h: Harness, userId: string): Promise<number> {
  const rows: { count: number }[] = await database(h.t).query('SELECT count(*)::int AS count FROM platform_connections WHERE user_id = $1', [userId]);
  return rows[0].count;
}

async function authorizationUrlOf(h: Harness, user: User): Promise<string> {
  const res = await startOAuth(h, user, '?mode=json').expect(200);
  return (res.body as { data: { authorizationUrl: string } }).data.authorizationUrl;
}

describe('Connecting YouTube through the server-side OAuth flow', () => {
  describe('without FRONTEND_URL', () => {
    let h: Harness;
    /** Tokens the flows stored, for the at-rest check. */
    const stored: string[] = [];

    beforeAll(async () => {
      h = await startHarness();
      h.sandbox.admin.createAccount({ key: 'olga', videos: 3 });
      h.sandbox.admin.setConsent({ account: 'olga' });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('sends the browser to the consent screen with offline access, forced consent, the read-only scope, PKCE S256 and a state', async () => {
      const user = await newUser(h.t);
      const res = await startOAuth(h, user).expect(302);
      const url = new URL(res.headers.location);
      expect(url.origin + url.pathname).toBe(h.sandbox.env.GOOGLE_AUTH_URL);
      const params = Object.fromEntries(url.searchParams);
      expect(params).toMatchObject({
        client_id: h.sandbox.env.GOOGLE_CLIENT_ID,
        redirect_uri: `${h.t.url}${CALLBACK_PATH}`,
        response_type: 'code',
        scope: YOUTUBE_READONLY,
        access_type: 'offline',
        prompt: 'consent',
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        state: expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/),
      });
      // The challenge is the SHA-256 of a verifier the server keeps for this state, never sent out.
      const rows: { code_verifier: string }[] = await database(h.t).query('SELECT code_verifier FROM platform_oauth_states WHERE nonce = $1', [params.state]);
      expect(rows).toHaveLength(1);
      expect(createHash('sha256').update(rows[0].code_verifier).digest('base64url')).toBe(params.code_challenge);
      expect(url.toString()).not.toContain(rows[0].code_verifier);

      const json = await startOAuth(h, user, '?mode=json').expect(200);
      expect(json.body).toEqual({ success: true, data: { authorizationUrl: expect.stringContaining(h.sandbox.env.GOOGLE_AUTH_URL) } });
      const other = new URL((json.body as { data: { authorizationUrl: string } }).data.authorizationUrl);
      expect(other.searchParams.get('state')).not.toBe(params.state);

      const bad = await startOAuth(h, user, '?mode=popup');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
      await request(h.t.url).get('/api/platforms/youtube/oauth').redirects(0).expect(401);
    });

    it('connects through the sandbox and stores a refresh token that works', async () => {
      const user = await newUser(h.t);
      const start = await startOAuth(h, user).expect(302);
      const back = await consent(start.headers.location);
      expect(back.searchParams.get('code')).toBeTruthy();
      const res = await callback(h, back).expect(200);
      expect(res.body).toEqual({ success: true, data: { platform: 'youtube', connected: true } });

      const now = await status(h.t, user);
      expect(now).toMatchObject({
        connected: true,
        account: { id: h.sandbox.admin.account('olga').channelId },
        permissions: [YOUTUBE_READONLY],
        lastSync: null,
        tokenExpiry: expect.any(String),
      });
      const credentials = await storedCredentials(h.t, user.session.user.id);
      if (credentials.kind !== 'oauth') throw new Error('expected OAuth tokens');
      expect(credentials.refreshToken).toMatch(/^1\/\//);
      stored.push(credentials.accessToken, credentials.refreshToken as string);

      // The access token dies; the connection renews itself with the stored refresh token.
      h.sandbox.admin.expireTokens({ account: 'olga', afterCalls: 0 });
      const refreshesBefore = h.sandbox.admin.log({ account: 'olga', api: 'oauth.token' }).entries.length;
      const connection = await h.t.app.get(PlatformAccess).connected(user.session.user.id, 'youtube');
      const account = await connection.adapter.verifyCredentials(connection.callContext(new AbortController().signal));
      expect(account.accountId).toBe(h.sandbox.admin.account('olga').channelId);
      expect(h.sandbox.admin.log({ account: 'olga', api: 'oauth.token' }).entries.slice(refreshesBefore).map((entry) => entry.status)).toEqual([200]);
      const renewed = await storedCredentials(h.t, user.session.user.id);
      if (renewed.kind !== 'oauth') throw new Error('expected OAuth tokens');
      stored.push(renewed.accessToken);
      expect(renewed.accessToken).not.toBe(credentials.accessToken);
      expect(renewed.refreshToken).toBe(credentials.refreshToken);
      expect((await tokenInfo(h.sandbox, renewed.accessToken)).status).toBe(200);
      expect((await status(h.t, user)).connected).toBe(true);
    });

    it('refuses a replayed state with 400 and leaves the connection as it was', async () => {
      const user = await newUser(h.t);
      const back = await consent((await startOAuth(h, user).expect(302)).headers.location);
      await callback(h, back).expect(200);
      const before = await connectionRow(h.t, user.session.user.id);

      const replay = await callback(h, back);
      expect(replay.status).toBe(400);
      expect(replay.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
      const after = await connectionRow(h.t, user.session.user.id);
      expect(after?.credentials).toBe(before?.credentials);
      expect(await connectionCount(h, user.session.user.id)).toBe(1);
      const credentials = await storedCredentials(h.t, user.session.user.id);
      if (credentials.kind === 'oauth') stored.push(credentials.accessToken, credentials.refreshToken ?? '');
    });

    it('refuses a forged, a missing, or an expired state with 400, and connects nobody', async () => {
      const user = await newUser(h.t);
      const back = await consent(await authorizationUrlOf(h, user));

      const forged = new URL(back);
      forged.searchParams.set('state', randomBytes(32).toString('base64url'));
      const missing = new URL(back);
      missing.searchParams.delete('state');
      for (const url of [forged, missing]) {
        const res = await callback(h, url);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
        expect(JSON.stringify(res.body)).not.toContain(back.searchParams.get('code') as string);
      }

      // The real state, but past its expiry.
      await database(h.t).query(`UPDATE platform_oauth_states SET expires_at = now() - interval '1 minute' WHERE nonce = $1`, [back.searchParams.get('state')]);
      const expired = await callback(h, back);
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });

      expect(await connectionCount(h, user.session.user.id)).toBe(0);
      expect(await status(h.t, user)).toMatchObject({ connected: false, account: null });
    });

    it('reports a refused consent with 400 and connects nobody', async () => {
      const user = await newUser(h.t);
      h.sandbox.admin.setConsent({ decision: 'deny' });
      let back: URL;
      try {
        back = await consent(await authorizationUrlOf(h, user));
      } finally {
        h.sandbox.admin.setConsent({ decision: 'approve' });
      }
      expect(back.searchParams.get('error')).toBe('access_denied');
      const res = await callback(h, back);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('refuses, with 422, a consent that left out the YouTube scope', async () => {
      const user = await newUser(h.t);
      // Google's consent screen lets the user untick scopes one by one. An account that never granted
      // the scope: with include_granted_scopes, an earlier grant would still count.
      h.sandbox.admin.createAccount({ key: 'pia', videos: 1 });
      h.sandbox.admin.setConsent({ account: 'pia', deniedScopes: [YOUTUBE_READONLY] });
      let back: URL;
      try {
        back = await consent(await authorizationUrlOf(h, user));
      } finally {
        h.sandbox.admin.setConsent({ account: 'olga', deniedScopes: [] });
      }
      expect(back.searchParams.get('scope')).not.toContain(YOUTUBE_READONLY);
      const res = await callback(h, back);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('keeps the tokens it obtained unreadable at rest', async () => {
      expect(stored.length).toBeGreaterThanOrEqual(4);
      expectNoTokens(await dumpDatabase(h.t), stored.filter(Boolean));
      if (serverMode()) expectNoTokens(await dumpRedis(process.env.REDIS_URL as string), stored.filter(Boolean));
    });
  });

  describe('with FRONTEND_URL', () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({ env: { FRONTEND_URL: 'http://127.0.0.1:4200' } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('sends the browser back to the frontend once connected', async () => {
      const user = await newUser(h.t);
      const back = await consent((await startOAuth(h, user).expect(302)).headers.location);
      const res = await callback(h, back).expect(302);
      expect(res.headers.location).toBe('http://127.0.0.1:4200/#platform=youtube&connected=true');
      expect(await status(h.t, user)).toMatchObject({ connected: true, account: { id: h.sandbox.admin.account('alice').channelId } });
    });

    it('sends the browser back to the frontend with the error code when connecting fails', async () => {
      const user = await newUser(h.t);
      const back = await consent((await startOAuth(h, user).expect(302)).headers.location);
      await callback(h, back).expect(302);
      // The same state a second time: already used.
      const replayed = await callback(h, back).expect(302);
      expect(replayed.headers.location).toBe('http://127.0.0.1:4200/#platform=youtube&error=INVALID_FORMAT');
    });
  });

  describe('without a Google OAuth client', () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({ env: { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('answers 503 PROVIDER_NOT_CONFIGURED, for the consent screen and for pasted tokens alike', async () => {
      const user = await newUser(h.t);
      for (const query of ['', '?mode=json']) {
        const res = await startOAuth(h, user, query);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ success: false, code: 'PROVIDER_NOT_CONFIGURED' });
      }
      const tokens = h.sandbox.admin.issueTokens({ account: 'alice', scopes: [YOUTUBE_READONLY] });
      const res = await connect(h.t, user, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ success: false, code: 'PROVIDER_NOT_CONFIGURED' });
      expect(JSON.stringify(res.body)).not.toContain(tokens.access_token);
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });
  });
});
