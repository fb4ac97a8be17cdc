import request from 'supertest';
import { database } from '../support/auth-helpers';
import { serverMode } from '../support/test-app';
import {
  Harness,
  StatusView,
  Tokens,
  YOUTUBE_READONLY,
  connect,
  connectedPlatforms,
  connectionRow,
  dumpDatabase,
  dumpRedis,
  expectNoTokens,
  newUser,
  nextPacificMidnight,
  startHarness,
  status,
  storedCredentials,
  tokenInfo,
} from './platforms-support';

const CONNECTED = { success: true, message: 'Platform connected successfully' };
const DISCONNECTED = { success: true, message: 'Platform disconnected successfully' };

/** Connect, status, me and disconnect with tokens minted by the sandbox, against the real app. */
describe('Connecting YouTube with tokens', () => {
  let h: Harness;
  /** Every token handed to the app in this suite, for the at-rest checks. */
  const seen: string[] = [];

  const mint = (account: string, extra: { clientId?: string; scopes?: string[]; offline?: boolean } = {}): Tokens => {
    const tokens = h.sandbox.admin.issueTokens({ account, scopes: [YOUTUBE_READONLY], ...extra });
    seen.push(tokens.access_token, ...(tokens.refresh_token ? [tokens.refresh_token] : []));
    return tokens;
  };
  const body = (tokens: Tokens): { accessToken: string; refreshToken?: string } => ({
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
  });
  /** The channel as YouTube shows it to someone else (so that the account's own quota is not touched). */
  const channelTitle = async (channelId: string): Promise<string> => {
    const observer = h.sandbox.admin.issueTokens({ account: 'observer', scopes: [YOUTUBE_READONLY] });
    const res = await fetch(`${h.sandbox.env.YOUTUBE_API_URL}/channels?part=snippet&id=${channelId}`, {
      headers: { Authorization: `Bearer ${observer.access_token}` },
    });
    const answer = (await res.json()) as { items: { snippet: { title: string } }[] };
    return answer.items[0].snippet.title;
  };
  const unitsSpent = (account: string): number => h.sandbox.admin.log().unitsToday[account] ?? 0;
  const logOf = (account: string, api: string): { status: number }[] => h.sandbox.admin.log({ account, api, limit: 1000 }).entries;

  beforeAll(async () => {
    h = await startHarness();
    for (const key of ['observer', 'dana', 'erin', 'frank', 'gina', 'hank', 'ivy']) h.sandbox.admin.createAccount({ key, videos: 5 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers tokeninfo where the adapters look for it, in the shape they read', async () => {
    const tokens = mint('observer');
    const info = await tokenInfo(h.sandbox, tokens.access_token);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      aud: h.sandbox.env.GOOGLE_CLIENT_ID,
      azp: h.sandbox.env.GOOGLE_CLIENT_ID,
      scope: YOUTUBE_READONLY,
      exp: expect.stringMatching(/^\d+$/),
      expires_in: expect.stringMatching(/^\d+$/),
    });
    const refused = await tokenInfo(h.sandbox, 'ya29.unknown');
    expect(refused).toEqual({ status: 400, body: { error: 'invalid_token', error_description: 'Invalid Value' } });
  });

  it('connects with sandbox tokens and shows the channel, grant, expiry and quota in the status', async () => {
    const user = await newUser(h.t);
    const before = await status(h.t, user);
    expect(before).toMatchObject({ connected: false, account: null, lastSync: null, tokenExpiry: null, permissions: [] });
    expect(before.quotaUsage).toMatchObject({ used: 0, limit: 10000 });
    expect(await connectedPlatforms(h.t, user)).toEqual([]);

    const tokens = mint('dana');
    const res = await connect(h.t, user, body(tokens)).expect(200);
    expect(res.body).toEqual(CONNECTED);

    const summary = h.sandbox.admin.account('dana');
    const info = await tokenInfo(h.sandbox, tokens.access_token);
    const now = await status(h.t, user);
    expect(Object.keys(now).sort()).toEqual(['account', 'connected', 'lastSync', 'needsReconnect', 'permissions', 'quotaUsage', 'tokenExpiry']);
    expect(now).toEqual<StatusView>({
      connected: true,
      needsReconnect: false,
      account: { id: summary.channelId as string, name: await channelTitle(summary.channelId as string) },
      lastSync: null,
      tokenExpiry: new Date(Number(info.body.exp) * 1000).toISOString(),
      permissions: [YOUTUBE_READONLY],
      quotaUsage: { used: unitsSpent('dana'), limit: 10000, resetsAt: nextPacificMidnight().toISOString(), reportedPercent: null },
    });
    // The check costs one channels.list: tokeninfo is free.
    expect(now.quotaUsage.used).toBe(1);
    expect(logOf('dana', 'youtube.channels.list').map((entry) => entry.status)).toEqual([200]);
    expect(await connectedPlatforms(h.t, user)).toEqual(['youtube']);
  });

  it('refreshes an expired access token once while connecting, and stores the refreshed tokens', async () => {
    const user = await newUser(h.t);
    const tokens = mint('erin');
    h.sandbox.admin.expireTokens({ account: 'erin', afterCalls: 0 });
    expect((await tokenInfo(h.sandbox, tokens.access_token)).status).toBe(400);

    await connect(h.t, user, body(tokens)).expect(200);
    expect(logOf('erin', 'oauth.token').map((entry) => entry.status)).toEqual([200]);

    const stored = await storedCredentials(h.t, user.session.user.id);
    if (stored.kind !== 'oauth') throw new Error('expected OAuth tokens');
    seen.push(stored.accessToken);
    expect(stored.accessToken).not.toBe(tokens.access_token);
    expect(stored.refreshToken).toBe(tokens.refresh_token);
    const info = await tokenInfo(h.sandbox, stored.accessToken);
    expect(info.status).toBe(200);
    const now = await status(h.t, user);
    expect(now).toMatchObject({ connected: true, tokenExpiry: new Date(Number(info.body.exp) * 1000).toISOString() });
    expect(now.account?.id).toBe(h.sandbox.admin.account('erin').channelId);
  });

  it('refuses tokens the sandbox rejects with 422 PLATFORM_TOKEN_REJECTED, storing nothing', async () => {
    const user = await newUser(h.t);
    const revoked = mint('frank');
    h.sandbox.admin.expireTokens({ account: 'frank', afterCalls: 0 });
    h.sandbox.admin.invalidateGrants({ account: 'frank' });
    const emailOnly = mint('frank', { scopes: ['https://www.googleapis.com/auth/userinfo.email'] });
    const cases: { accessToken: string; refreshToken?: string }[] = [
      { accessToken: 'ya29.made-up-access-token' },
      { accessToken: 'ya29.made-up-access-token', refreshToken: '1//made-up-refresh-token' },
      body(revoked),
      { accessToken: revoked.access_token },
      body(emailOnly),
    ];
    for (const tokens of cases) {
      const res = await connect(h.t, user, tokens);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, error: expect.any(String), code: 'PLATFORM_TOKEN_REJECTED' });
      for (const token of Object.values(tokens)) expect(JSON.stringify(res.body)).not.toContain(token);
    }
    expect(await connectionRow(h.t, user.session.user.id)).toBeNull();
    expect(await status(h.t, user)).toMatchObject({ connected: false, account: null });
    expect(await connectedPlatforms(h.t, user)).toEqual([]);
  });

  it('refuses, with 422, a Google account that has no YouTube channel', async () => {
    const user = await newUser(h.t);
    const res = await connect(h.t, user, body(mint('carol')));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ success: false, error: expect.stringContaining('no YouTube channel'), code: 'PLATFORM_TOKEN_REJECTED' });
    expect(await connectionRow(h.t, user.session.user.id)).toBeNull();
  });

  it('refuses tokens issued to another OAuth client with 422, even when it could refresh them', async () => {
    h.sandbox.admin.addClient({ clientId: 'another-app.apps.googleusercontent.com', clientSecret: 'another-secret' });
    const user = await newUser(h.t);
    const foreign = mint('gina', { clientId: 'another-app.apps.googleusercontent.com' });
    const live = await connect(h.t, user, body(foreign));
    expect(live.status).toBe(422);
    expect(live.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });

    // Expired: the refresh token is the other app's, which Google refuses to this app (unauthorized_client).
    h.sandbox.admin.expireTokens({ account: 'gina', afterCalls: 0 });
    const expired = await connect(h.t, user, body(foreign));
    expect(expired.status).toBe(422);
    expect(expired.body).toMatchObject({ success: false, code: 'PLATFORM_TOKEN_REJECTED' });
    expect(JSON.stringify([live.body, expired.body])).not.toContain(foreign.access_token);
    expect(await connectionRow(h.t, user.session.user.id)).toBeNull();
    // Nobody spent the account's quota on a check that could not succeed.
    expect(unitsSpent('gina')).toBe(0);
  });

  it('replaces the stored tokens when connecting again, in the same connection', async () => {
    const user = await newUser(h.t);
    const first = mint('hank');
    await connect(h.t, user, body(first)).expect(200);
    const firstRow = await connectionRow(h.t, user.session.user.id);

    const second = mint('hank');
    const res = await connect(h.t, user, body(second)).expect(200);
    expect(res.body).toEqual(CONNECTED);
    const secondRow = await connectionRow(h.t, user.session.user.id);
    expect(secondRow?.id).toBe(firstRow?.id);
    expect(secondRow?.credentials).not.toBe(firstRow?.credentials);
    const stored = await storedCredentials(h.t, user.session.user.id);
    expect(stored).toMatchObject({ kind: 'oauth', accessToken: second.access_token, refreshToken: second.refresh_token });
    expect(JSON.stringify(stored)).not.toContain(first.access_token);
    expect(JSON.stringify(stored)).not.toContain(first.refresh_token);

    // Another Google account replaces the account shown as well.
    const other = mint('ivy');
    await connect(h.t, user, body(other)).expect(200);
    const now = await status(h.t, user);
    expect(now.account?.id).toBe(h.sandbox.admin.account('ivy').channelId);
    expect((await storedCredentials(h.t, user.session.user.id)) as object).toMatchObject({ accessToken: other.access_token });
    const rows: { count: number }[] = await database(h.t).query(
      'SELECT count(*)::int AS count FROM platform_connections WHERE user_id = $1',
      [user.session.user.id],
    );
    expect(rows[0].count).toBe(1);
  });

  it('disconnects: revokes the grant at Google, forgets the tokens, and is idempotent', async () => {
    const user = await newUser(h.t);
    const tokens = mint('dana');
    await connect(h.t, user, body(tokens)).expect(200);
    const usedBefore = (await status(h.t, user)).quotaUsage.used;

    const res = await request(h.t.url).post('/api/platforms/youtube/disconnect').set(user.auth).expect(200);
    expect(res.body).toEqual(DISCONNECTED);

    // The whole grant is gone at Google: the access token and the refresh token.
    expect((await tokenInfo(h.sandbox, tokens.access_token)).status).toBe(400);
    const refresh = await fetch(h.sandbox.env.GOOGLE_TOKEN_URL, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
        client_id: h.sandbox.env.GOOGLE_CLIENT_ID,
        client_secret: h.sandbox.env.GOOGLE_CLIENT_SECRET,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(logOf('dana', 'oauth.revoke').map((entry) => entry.status)).toContain(200);

    const after = await status(h.t, user);
    expect(after).toMatchObject({ connected: false, needsReconnect: false, account: null, tokenExpiry: null, permissions: [] });
    // What was spent stays spent: reconnecting does not give quota back.
    expect(after.quotaUsage.used).toBe(usedBefore);
    expect(await connectedPlatforms(h.t, user)).toEqual([]);
    expect(await connectionRow(h.t, user.session.user.id)).toBeNull();

    const again = await request(h.t.url).post('/api/platforms/youtube/disconnect').set(user.auth).expect(200);
    expect(again.body).toEqual(DISCONNECTED);
  });

  it("never shows or touches another user's connection", async () => {
    const a = await newUser(h.t);
    const b = await newUser(h.t);
    const tokens = mint('ivy');
    await connect(h.t, a, body(tokens)).expect(200);

    expect(await status(h.t, b)).toMatchObject({ connected: false, account: null, permissions: [], quotaUsage: { used: 0 } });
    expect(await connectedPlatforms(h.t, b)).toEqual([]);
    await request(h.t.url).post('/api/platforms/youtube/disconnect').set(b.auth).expect(200);

    expect(await status(h.t, a)).toMatchObject({ connected: true, account: { id: h.sandbox.admin.account('ivy').channelId } });
    expect((await tokenInfo(h.sandbox, tokens.access_token)).status).toBe(200);
    expect(await storedCredentials(h.t, a.session.user.id)).toMatchObject({ accessToken: tokens.access_token });
  });

  it('keeps every token unreadable at rest: no table row and no Redis value holds one', async () => {
    expect(seen.length).toBeGreaterThan(10);
    expectNoTokens(await dumpDatabase(h.t), seen);
    if (serverMode()) {
      const redis = await dumpRedis(process.env.REDIS_URL as string);
      // The scan sees what the app keeps there (rate-limit counters at least).
      expect(redis).toContain('star-export:throttle:');
      expectNoTokens(redis, seen);
    }
  });
});
