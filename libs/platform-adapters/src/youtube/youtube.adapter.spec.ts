import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import {
  AccountUnavailableError,
  CredentialsRejectedError,
  ProviderNotConfiguredError,
  QuotaExceededError,
} from '../errors';
import { nextMidnight } from '../time/zoned-midnight';
import { sandboxSettings, youtubeAdapter } from '../../test/options';
import { testContext } from '../../test/test-context';
import type { YouTubeAdapter } from './youtube.adapter';

const READONLY = 'https://www.googleapis.com/auth/youtube.readonly';

/**
 * The adapter's identity, refresh and revoke calls against the platform sandbox, which speaks Google's
 * OAuth endpoints and the Data API. alice has a channel; carol is a Google account without one.
 */
describe('YouTubeAdapter', () => {
  let sandbox: RunningSandbox;
  let adapter: YouTubeAdapter;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.admin.reset();
    adapter = youtubeAdapter(sandboxSettings(sandbox));
  });

  const adapterWith = youtubeAdapter;
  /** Tokens of a sandbox account, as a connect request would bring them. */
  const tokensOf = (account: string, scopes = [READONLY]) => sandbox.admin.issueTokens({ account, scopes });
  /** The API methods the sandbox answered since the last reset, in order, with their status. */
  const calls = () => sandbox.admin.log().entries.map((entry) => `${entry.api} ${entry.status}`);
  const fault = (api: string, respond: { status: number; reason: string; message?: string }, times = 1) =>
    sandbox.admin.addFault({ match: { api }, respond, times });

  it('serves the spec’s catalogue entry with a 10,000-unit daily quota reset at midnight Pacific', () => {
    expect(adapter.descriptor).toEqual({
      name: 'youtube',
      displayName: 'YouTube',
      authType: 'oauth',
      exportFormats: ['json', 'csv', 'html'],
      features: { profile: true, videos: true, playlists: true, comments: true, subscriptions: true, analytics: false },
      limits: [{ bucket: 'default', unit: 'unit', limit: 10_000, reset: { type: 'daily', timeZone: 'America/Los_Angeles' } }],
    });
  });

  describe('verifyCredentials', () => {
    it('checks the token with tokeninfo, then reads the channel (every part an export uses) for 1 unit, and stores the expiry it learnt', async () => {
      const alice = sandbox.admin.account('alice');
      const tokens = tokensOf('alice');
      const { ctx, charges, store } = testContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      const account = await adapter.verifyCredentials(ctx);
      expect(account).toEqual({
        accountId: alice.channelId,
        name: expect.stringContaining('Alice'),
        handle: alice.handle,
        scopes: [READONLY],
        tokenExpiry: expect.any(Date),
      });
      expect(calls()).toEqual(['oauth.tokeninfo 200', 'youtube.channels.list 200']);
      const channels = sandbox.admin.log({ api: 'youtube.channels.list' }).entries[0];
      expect(channels.query).toMatchObject({ mine: 'true', part: 'snippet,contentDetails,statistics,brandingSettings' });
      expect(charges).toEqual([{ platform: 'youtube', bucket: 'default', units: 1, operation: 'channels.list' }]);
      expect(store.value).toMatchObject({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, scopes: [READONLY] });
      expect(Date.parse((store.value as { expiresAt: string }).expiresAt)).toBe(Math.floor(account.tokenExpiry!.getTime()));
    });

    it('refreshes an expired access token once on the way', async () => {
      const tokens = tokensOf('alice');
      sandbox.admin.expireTokens({ account: 'alice' });
      const { ctx, store } = testContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      const account = await adapter.verifyCredentials(ctx);
      expect(account.accountId).toBe(sandbox.admin.account('alice').channelId);
      expect(calls()).toEqual(['oauth.tokeninfo 400', 'oauth.token 200', 'oauth.tokeninfo 200', 'youtube.channels.list 200']);
      expect(store.value).toMatchObject({ refreshToken: tokens.refresh_token });
      expect((store.value as { accessToken: string }).accessToken).not.toBe(tokens.access_token);
    });

    it('reports the refreshed token’s expiry when channels.list had to refresh it', async () => {
      const tokens = tokensOf('alice');
      fault('youtube.channels.list', { status: 401, reason: 'authError' });
      const { ctx, store } = testContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      const account = await adapter.verifyCredentials(ctx);
      expect(calls()).toEqual(['oauth.tokeninfo 200', 'youtube.channels.list 401', 'oauth.token 200', 'youtube.channels.list 200']);
      expect((store.value as { accessToken: string }).accessToken).not.toBe(tokens.access_token);
      expect(account.tokenExpiry!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    });

    it('refuses a token issued to another OAuth client without using it', async () => {
      sandbox.admin.addClient({ clientId: 'someone-else.apps.googleusercontent.com', clientSecret: 'other-secret', redirectUris: [] });
      const tokens = sandbox.admin.issueTokens({ account: 'alice', clientId: 'someone-else.apps.googleusercontent.com', scopes: [READONLY] });
      const { ctx } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      await expect(adapter.verifyCredentials(ctx)).rejects.toMatchObject({ reason: 'foreign_client' });
      expect(sandbox.admin.log({ api: 'youtube.channels.list' }).entries).toHaveLength(0);
    });

    it('refuses a grant without a YouTube read scope', async () => {
      const tokens = tokensOf('alice', ['openid', 'email']);
      const { ctx } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      await expect(adapter.verifyCredentials(ctx)).rejects.toMatchObject({ reason: 'insufficient_scope' });
    });

    it('says so when the Google account has no channel', async () => {
      const tokens = tokensOf('carol');
      const { ctx } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      const error: unknown = await adapter.verifyCredentials(ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AccountUnavailableError);
      expect((error as AccountUnavailableError).reason).toBe('no_channel');
    });

    it('maps quotaExceeded to QuotaExceededError until midnight Pacific, without a retry, charging the refused call', async () => {
      const tokens = tokensOf('alice');
      sandbox.admin.setQuota({ account: 'alice', remaining: 0 });
      const { ctx, charges } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      const error: unknown = await adapter.verifyCredentials(ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect((error as QuotaExceededError).resetsAt).toEqual(nextMidnight('America/Los_Angeles', new Date()));
      expect(sandbox.admin.log({ api: 'youtube.channels.list' }).entries.map((entry) => entry.status)).toEqual([403]);
      expect(charges).toHaveLength(1);
    });

    it('backs off and retries on rateLimitExceeded', async () => {
      const tokens = tokensOf('alice');
      fault('youtube.channels.list', { status: 403, reason: 'rateLimitExceeded' });
      const { ctx, charges } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      await expect(adapter.verifyCredentials(ctx)).resolves.toMatchObject({ name: expect.stringContaining('Alice') });
      expect(charges).toHaveLength(2);
    });

    it('maps a disabled API to ProviderNotConfiguredError', async () => {
      const tokens = tokensOf('alice');
      fault('youtube.channels.list', { status: 403, reason: 'accessNotConfigured', message: 'YouTube Data API v3 has not been used in project 1' });
      const { ctx } = testContext({ kind: 'oauth', accessToken: tokens.access_token });
      await expect(adapter.verifyCredentials(ctx)).rejects.toBeInstanceOf(ProviderNotConfiguredError);
    });

    it('needs GOOGLE_CLIENT_ID to check the audience, and says so before calling Google', async () => {
      const unconfigured = adapterWith(sandboxSettings(sandbox, { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined }));
      const { ctx } = testContext({ kind: 'oauth', accessToken: tokensOf('alice').access_token });
      await expect(unconfigured.verifyCredentials(ctx)).rejects.toBeInstanceOf(ProviderNotConfiguredError);
      expect(calls()).toEqual([]);
    });

    it('refuses session cookies and uploaded archives', async () => {
      const cookies = testContext({ kind: 'cookies', cookies: [{ name: 'sessionid', value: 'x' }] });
      await expect(adapter.verifyCredentials(cookies.ctx)).rejects.toMatchObject({ reason: 'wrong_kind' });
      const archive = testContext({ kind: 'archive', uploadId: 'u1', fileName: 'takeout.zip', bytes: 1, sha256: 'ab', uploadedAt: new Date().toISOString() });
      await expect(adapter.verifyCredentials(archive.ctx)).rejects.toMatchObject({ reason: 'wrong_kind' });
      expect(calls()).toEqual([]);
    });
  });

  describe('refresh', () => {
    it('posts the refresh grant and keeps the stored refresh token when Google sends none', async () => {
      const tokens = tokensOf('alice');
      const fresh = await adapter.refresh({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      expect(fresh).toEqual({ kind: 'oauth', accessToken: expect.any(String), refreshToken: tokens.refresh_token, expiresAt: expect.any(String), scopes: [READONLY] });
      expect(fresh.accessToken).not.toBe(tokens.access_token);
      expect(calls()).toEqual(['oauth.token 200']);
    });

    it('takes a new refresh token when Google sends one', async () => {
      sandbox.admin.addClient({ clientId: 'rotating.apps.googleusercontent.com', clientSecret: 'rotating-secret', redirectUris: [], rotateRefreshTokens: true });
      const rotating = adapterWith(sandboxSettings(sandbox, { GOOGLE_CLIENT_ID: 'rotating.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'rotating-secret' }));
      const tokens = sandbox.admin.issueTokens({ account: 'alice', clientId: 'rotating.apps.googleusercontent.com', scopes: [READONLY] });
      const fresh = await rotating.refresh({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      expect(fresh.refreshToken).toEqual(expect.any(String));
      expect(fresh.refreshToken).not.toBe(tokens.refresh_token);
    });

    it('turns invalid_grant into CredentialsRejectedError', async () => {
      const error: unknown = await adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R-dead' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as CredentialsRejectedError).reason).toBe('invalid_grant');
      expect((error as CredentialsRejectedError).code).toBe('PLATFORM_NOT_CONNECTED');
    });

    it("turns another client's refresh token (unauthorized_client) into CredentialsRejectedError, not a configuration problem", async () => {
      sandbox.admin.addClient({ clientId: 'someone-else.apps.googleusercontent.com', clientSecret: 'other-secret', redirectUris: [] });
      const foreign = sandbox.admin.issueTokens({ account: 'alice', clientId: 'someone-else.apps.googleusercontent.com', scopes: [READONLY] });
      const error: unknown = await adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: foreign.refresh_token }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as CredentialsRejectedError).reason).toBe('foreign_client');
    });

    it('turns a refused client into ProviderNotConfiguredError', async () => {
      const misconfigured = adapterWith(sandboxSettings(sandbox, { GOOGLE_CLIENT_SECRET: 'wrong' }));
      const tokens = tokensOf('alice');
      await expect(misconfigured.refresh({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token })).rejects.toBeInstanceOf(
        ProviderNotConfiguredError,
      );
    });
  });

  describe('revoke', () => {
    it('revokes the refresh token, and treats an already revoked one as done', async () => {
      const tokens = tokensOf('alice');
      await adapter.revoke({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      await expect(adapter.refresh({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token })).rejects.toMatchObject({
        reason: 'invalid_grant',
      });
      await expect(adapter.revoke({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token })).resolves.toBeUndefined();
      expect(calls()).toEqual(['oauth.revoke 200', 'oauth.token 400', 'oauth.revoke 400']);
    });
  });
});
