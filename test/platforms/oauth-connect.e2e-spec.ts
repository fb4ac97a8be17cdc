import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { PlatformAccess } from '../../apps/api/src/modules/platforms/platform-access';
import { database } from '../support/auth-helpers';
import { FIXTURE, FixtureAdapter } from '../support/fixture-adapter';
import { serverMode } from '../support/test-app';
import {
  CALLBACK_PATH,
  beginConnect,
  bindingCookie,
  callback,
  connectionCount,
  consent,
  logMark,
  startOAuth,
  tokenCallsSince,
} from './oauth-connect-support';
import {
  Harness,
  YOUTUBE_READONLY,
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

interface PendingRow {
  code_verifier: string;
  browser_binding_hash: string;
  user_id: string;
}

describe('Connecting YouTube through the server-side OAuth flow', () => {
  describe('without FRONTEND_URL', () => {
    let h: Harness;
    /** Tokens the flows stored, for the at-rest check. */
    const stored: string[] = [];

    beforeAll(async () => {
      h = await startHarness({ adapters: [new FixtureAdapter()] });
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
        state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      // The challenge is the SHA-256 of a verifier the server keeps for this state, never sent out.
      const rows: PendingRow[] = await database(h.t).query('SELECT * FROM platform_oauth_states WHERE state = $1', [params.state]);
      expect(rows).toHaveLength(1);
      expect(rows[0].user_id).toBe(user.session.user.id);
      expect(createHash('sha256').update(rows[0].code_verifier).digest('base64url')).toBe(params.code_challenge);
      expect(url.toString()).not.toContain(rows[0].code_verifier);
      expect(JSON.stringify(res.headers)).not.toContain(rows[0].code_verifier);

      // The flow is bound to this browser: an HttpOnly, SameSite=Lax cookie sent to the callback only,
      // for as long as the state lives. The row keeps its hash, not the nonce.
      const cookie = bindingCookie(res);
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const attributes = cookie.line.split(';').slice(1).map((part) => part.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', `path=${CALLBACK_PATH}`, 'max-age=600']));
      expect(attributes).not.toContain('secure');
      expect(rows[0].browser_binding_hash).toBe(createHash('sha256').update(cookie.value).digest('base64url'));
      expect(JSON.stringify(rows[0])).not.toContain(cookie.value);

      const json = await startOAuth(h, user, '?mode=json').expect(200);
      expect(json.body).toEqual({ success: true, data: { authorizationUrl: expect.stringContaining(h.sandbox.env.GOOGLE_AUTH_URL) } });
      const other = new URL((json.body as { data: { authorizationUrl: string } }).data.authorizationUrl);
      expect(other.searchParams.get('state')).not.toBe(params.state);
      // Each flow has a cookie of its own: a second start does not undo the first.
      expect(bindingCookie(json).name).not.toBe(cookie.name);

      const bad = await startOAuth(h, user, '?mode=popup');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
      expect(bad.headers['set-cookie']).toBeUndefined();
      const anonymous = await request(h.t.url).get('/api/platforms/youtube/oauth').redirects(0);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['set-cookie']).toBeUndefined();
    });

    it('answers the redirect without logging an error', async () => {
      const user = await newUser(h.t);
      const errors = jest.spyOn(Logger.prototype, 'error');
      try {
        const res = await startOAuth(h, user).expect(302);
        expect(res.headers.location).toContain(h.sandbox.env.GOOGLE_AUTH_URL);
        // The server gives up on a request with ERR_HTTP_HEADERS_SENT only after the answer went out.
        await new Promise((resolve) => setImmediate(resolve));
        expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
      } finally {
        errors.mockRestore();
      }
    });

    it('connects through the sandbox in the browser that started, and stores a refresh token that works', async () => {
      const user = await newUser(h.t);
      const start = await startOAuth(h, user).expect(302);
      const back = await consent(start.headers.location);
      expect(back.searchParams.get('code')).toBeTruthy();
      const res = await callback(h, back, bindingCookie(start).pair).expect(200);
      expect(res.body).toEqual({ success: true, data: { platform: 'youtube', connected: true } });
      // The nonce is single-use: the answer clears it.
      const cleared = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      expect(cleared).toEqual([expect.stringMatching(new RegExp(`^${bindingCookie(start).name}=;.*Expires=Thu, 01 Jan 1970`))]);

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

    it('refuses a callback without the cookie of the browser that started, burns the state, and redeems nothing', async () => {
      const user = await newUser(h.t);
      const { authorizationUrl, cookie } = await beginConnect(h, user);
      const back = await consent(authorizationUrl);
      const mark = logMark(h);

      const res = await callback(h, back);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('not started in this browser') });
      expect(JSON.stringify(res.body)).not.toContain(back.searchParams.get('code') as string);

      // The state is spent: even the browser that started cannot use this code any more.
      const late = await callback(h, back, cookie.pair);
      expect(late.status).toBe(400);
      expect(late.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('already used') });
      expect(tokenCallsSince(h, mark)).toBe(0);
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
      expect(await status(h.t, user)).toMatchObject({ connected: false, account: null });
    });

    it("refuses a callback with a wrong cookie: another value, or another flow's nonce", async () => {
      const user = await newUser(h.t);
      const [first, second, third] = [await beginConnect(h, user), await beginConnect(h, user), await beginConnect(h, user)];
      const mark = logMark(h);

      const forgedValue = await callback(h, await consent(first.authorizationUrl), `${first.cookie.name}=${randomBytes(32).toString('base64url')}`);
      expect(forgedValue.status).toBe(400);
      expect(forgedValue.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('not started in this browser') });

      // A nonce this browser really holds, but for another flow, under this flow's name.
      const swapped = await callback(h, await consent(second.authorizationUrl), `${second.cookie.name}=${third.cookie.value}; ${third.cookie.pair}`);
      expect(swapped.status).toBe(400);
      expect(swapped.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('not started in this browser') });

      expect(tokenCallsSince(h, mark)).toBe(0);
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('shows a browser a page that says nothing was connected', async () => {
      const user = await newUser(h.t);
      const back = await consent((await beginConnect(h, user)).authorizationUrl);
      const res = await callback(h, back).set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      expect(res.text).toContain('YouTube was not connected');
      expect(res.text).toContain('Nothing was connected');
      expect(res.text).toContain('not started in this browser');
      expect(res.text).not.toContain('<script');
      expect(res.text).not.toContain(back.searchParams.get('code') as string);
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('refuses a replayed state with 400 and leaves the connection as it was', async () => {
      const user = await newUser(h.t);
      const { authorizationUrl, cookie } = await beginConnect(h, user);
      const back = await consent(authorizationUrl);
      await callback(h, back, cookie.pair).expect(200);
      const before = await connectionRow(h.t, user.session.user.id);

      const replay = await callback(h, back, cookie.pair);
      expect(replay.status).toBe(400);
      expect(replay.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('already used') });
      const after = await connectionRow(h.t, user.session.user.id);
      expect(after?.credentials).toBe(before?.credentials);
      expect(await connectionCount(h, user.session.user.id)).toBe(1);
      const credentials = await storedCredentials(h.t, user.session.user.id);
      if (credentials.kind === 'oauth') stored.push(credentials.accessToken, credentials.refreshToken ?? '');
    });

    it('refuses a forged, a missing, a malformed or an expired state with 400, and connects nobody', async () => {
      const user = await newUser(h.t);
      const { authorizationUrl, cookie } = await beginConnect(h, user);
      const back = await consent(authorizationUrl);

      const forged = new URL(back);
      forged.searchParams.set('state', randomBytes(32).toString('base64url'));
      const missing = new URL(back);
      missing.searchParams.delete('state');
      const nul = new URL(back);
      nul.searchParams.set('state', '\u0000');
      const nulInside = new URL(back);
      nulInside.searchParams.set('state', `${(back.searchParams.get('state') as string).slice(0, 42)}\u0000`);
      const twice = new URL(back);
      twice.searchParams.append('state', back.searchParams.get('state') as string);
      for (const url of [forged, missing, nul, nulInside, twice]) {
        const res = await callback(h, url, cookie.pair);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
        expect(JSON.stringify(res.body)).not.toContain(back.searchParams.get('code') as string);
      }

      // The real state, but past its expiry.
      await database(h.t).query(`UPDATE platform_oauth_states SET expires_at = now() - interval '1 minute' WHERE state = $1`, [back.searchParams.get('state')]);
      const expired = await callback(h, back, cookie.pair);
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.stringContaining('expired') });

      expect(await connectionCount(h, user.session.user.id)).toBe(0);
      expect(await status(h.t, user)).toMatchObject({ connected: false, account: null });
    });

    it('reports a refused consent with 400 and connects nobody', async () => {
      const user = await newUser(h.t);
      h.sandbox.admin.setConsent({ decision: 'deny' });
      let started: Awaited<ReturnType<typeof beginConnect>>;
      let back: URL;
      try {
        started = await beginConnect(h, user);
        back = await consent(started.authorizationUrl);
      } finally {
        h.sandbox.admin.setConsent({ decision: 'approve' });
      }
      expect(back.searchParams.get('error')).toBe('access_denied');
      const res = await callback(h, back, started.cookie.pair);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED', error: expect.stringContaining('access_denied') });
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('refuses, with 422, a consent that left out the YouTube scope', async () => {
      const user = await newUser(h.t);
      // Google's consent screen lets the user untick scopes one by one. An account that never granted
      // the scope: with include_granted_scopes, an earlier grant would still count.
      h.sandbox.admin.createAccount({ key: 'pia', videos: 1 });
      h.sandbox.admin.setConsent({ account: 'pia', deniedScopes: [YOUTUBE_READONLY] });
      let started: Awaited<ReturnType<typeof beginConnect>>;
      let back: URL;
      try {
        started = await beginConnect(h, user);
        back = await consent(started.authorizationUrl);
      } finally {
        h.sandbox.admin.setConsent({ account: 'olga', deniedScopes: [] });
      }
      expect(back.searchParams.get('scope')).not.toContain(YOUTUBE_READONLY);
      const res = await callback(h, back, started.cookie.pair);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
    });

    it('answers 400 for a platform whose adapter has no OAuth capability, and 404 for an unknown one', async () => {
      const user = await newUser(h.t);
      for (const query of ['', '?mode=json']) {
        const res = await startOAuth(h, user, query, FIXTURE);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ success: false, code: 'INVALID_FORMAT', error: 'Fixture is not connected through an OAuth consent screen' });
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const back = await callback(h, new URL(`${h.t.url}/api/platforms/${FIXTURE}/oauth/callback?code=x&state=${randomBytes(32).toString('base64url')}`));
      expect(back.status).toBe(400);
      expect(back.body).toMatchObject({ success: false, code: 'INVALID_FORMAT' });

      const unknown = await startOAuth(h, user, '?mode=json', 'myspace');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ success: false, code: 'PLATFORM_NOT_FOUND' });
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
      const start = await startOAuth(h, user).expect(302);
      const back = await consent(start.headers.location);
      const res = await callback(h, back, bindingCookie(start).pair).expect(302);
      expect(res.headers.location).toBe('http://127.0.0.1:4200/#platform=youtube&connected=true');
      expect(await status(h.t, user)).toMatchObject({ connected: true, account: { id: h.sandbox.admin.account('alice').channelId } });
    });

    it('sends the browser back to the frontend with the error code when connecting fails', async () => {
      const user = await newUser(h.t);
      const start = await startOAuth(h, user).expect(302);
      const back = await consent(start.headers.location);
      // Another browser: refused, and nothing connected.
      const foreign = await callback(h, back).expect(302);
      expect(foreign.headers.location).toBe('http://127.0.0.1:4200/#platform=youtube&error=INVALID_FORMAT');
      // The same state a second time: already used.
      const replayed = await callback(h, back, bindingCookie(start).pair).expect(302);
      expect(replayed.headers.location).toBe('http://127.0.0.1:4200/#platform=youtube&error=INVALID_FORMAT');
      expect(await connectionCount(h, user.session.user.id)).toBe(0);
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
        expect(res.headers['set-cookie']).toBeUndefined();
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
