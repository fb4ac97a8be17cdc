import {
  AccountUnavailableError,
  CredentialsRejectedError,
  ProviderNotConfiguredError,
  QuotaExceededError,
} from '../errors';
import { nextMidnight } from '../time/zoned-midnight';
import { FakeGoogle, googleError, READONLY } from '../../test/fake-google';
import { sendJson } from '../../test/local-server';
import { fakeGoogleSettings, youtubeAdapter } from '../../test/options';
import { testContext } from '../../test/test-context';
import { YouTubeAdapter } from './youtube.adapter';

describe('YouTubeAdapter', () => {
  let google: FakeGoogle;
  let adapter: YouTubeAdapter;

  const adapterWith = youtubeAdapter;

  beforeEach(async () => {
    google = await FakeGoogle.start();
    adapter = adapterWith(fakeGoogleSettings(google));
  });

  afterEach(() => google.close());

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
      google.issue('T1');
      const { ctx, charges, store } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
      const account = await adapter.verifyCredentials(ctx);
      expect(account).toEqual({
        accountId: 'UC_x5XG1OV2P6uZZ5FSM9Ttw',
        name: 'Star Channel',
        handle: '@star',
        scopes: [READONLY],
        tokenExpiry: expect.any(Date),
      });
      expect(google.log).toEqual(['tokeninfo:T1', 'api:T1']);
      const channels = google.requestsTo('/youtube/v3/channels')[0];
      expect(Object.fromEntries(channels.url.searchParams)).toEqual({ mine: 'true', part: 'snippet,contentDetails,statistics,brandingSettings' });
      expect(charges).toEqual([{ platform: 'youtube', bucket: 'default', units: 1, operation: 'channels.list' }]);
      expect(store.value).toMatchObject({ accessToken: 'T1', refreshToken: 'R1', scopes: [READONLY] });
      expect(Date.parse((store.value as { expiresAt: string }).expiresAt)).toBe(Math.floor(account.tokenExpiry!.getTime()));
    });

    it('refreshes an expired access token once on the way', async () => {
      google.refreshTokens.add('R1');
      const { ctx, store } = testContext({ kind: 'oauth', accessToken: 'T-expired', refreshToken: 'R1' });
      const account = await adapter.verifyCredentials(ctx);
      expect(account.accountId).toBe('UC_x5XG1OV2P6uZZ5FSM9Ttw');
      expect(google.log).toEqual(['tokeninfo:T-expired', 'token', 'tokeninfo:T2', 'api:T2']);
      expect(store.value).toMatchObject({ accessToken: 'T2', refreshToken: 'R1' });
    });

    it('reports the refreshed token’s expiry when channels.list had to refresh it', async () => {
      google.issue('T1', { acceptedByApi: false, expiresAt: Date.now() + 30_000 });
      google.refreshTokens.add('R1');
      const { ctx, store } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
      const account = await adapter.verifyCredentials(ctx);
      expect(google.log).toEqual(['tokeninfo:T1', 'api:T1', 'token', 'api:T2']);
      expect(store.value).toMatchObject({ accessToken: 'T2' });
      expect(account.tokenExpiry!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    });

    it('refuses a token issued to another OAuth client without using it', async () => {
      google.issue('T1', { audience: 'someone-else.apps.googleusercontent.com' });
      const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
      await expect(adapter.verifyCredentials(ctx)).rejects.toMatchObject({ reason: 'foreign_client' });
      expect(google.requestsTo('/youtube/v3/channels')).toHaveLength(0);
    });

    it('refuses a grant without a YouTube read scope', async () => {
      google.issue('T1', { scopes: ['openid', 'email'] });
      const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
      await expect(adapter.verifyCredentials(ctx)).rejects.toMatchObject({ reason: 'insufficient_scope' });
    });

    it('says so when the Google account has no channel', async () => {
      google.issue('T1');
      google.channelItems = [];
      const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
      const error: unknown = await adapter.verifyCredentials(ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AccountUnavailableError);
      expect((error as AccountUnavailableError).reason).toBe('no_channel');
    });

    it('maps quotaExceeded to QuotaExceededError until midnight Pacific, without a retry, charging the refused call', async () => {
      google.issue('T1');
      google.channels = (_request, response) => {
        sendJson(response, 403, googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your quota.'));
        return true;
      };
      const { ctx, charges } = testContext({ kind: 'oauth', accessToken: 'T1' });
      const error: unknown = await adapter.verifyCredentials(ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect((error as QuotaExceededError).resetsAt).toEqual(nextMidnight('America/Los_Angeles', new Date()));
      expect(google.requestsTo('/youtube/v3/channels')).toHaveLength(1);
      expect(charges).toHaveLength(1);
    });

    it('backs off and retries on rateLimitExceeded', async () => {
      google.issue('T1');
      let calls = 0;
      google.channels = (_request, response) => {
        if (++calls > 1) return false;
        sendJson(response, 403, googleError(403, 'rateLimitExceeded'));
        return true;
      };
      const { ctx, charges } = testContext({ kind: 'oauth', accessToken: 'T1' });
      await expect(adapter.verifyCredentials(ctx)).resolves.toMatchObject({ name: 'Star Channel' });
      expect(charges).toHaveLength(2);
    });

    it('maps a disabled API to ProviderNotConfiguredError', async () => {
      google.issue('T1');
      google.channels = (_request, response) => {
        sendJson(response, 403, googleError(403, 'accessNotConfigured', 'YouTube Data API v3 has not been used in project 1'));
        return true;
      };
      const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
      await expect(adapter.verifyCredentials(ctx)).rejects.toBeInstanceOf(ProviderNotConfiguredError);
    });

    it('needs GOOGLE_CLIENT_ID to check the audience, and says so before calling Google', async () => {
      const unconfigured = adapterWith(fakeGoogleSettings(google, { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined }));
      const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
      await expect(unconfigured.verifyCredentials(ctx)).rejects.toBeInstanceOf(ProviderNotConfiguredError);
      expect(google.requests).toHaveLength(0);
    });

    it('refuses session cookies', async () => {
      const { ctx } = testContext({ kind: 'cookies', cookies: [{ name: 'sessionid', value: 'x' }] });
      await expect(adapter.verifyCredentials(ctx)).rejects.toMatchObject({ reason: 'wrong_kind' });
    });
  });

  describe('refresh', () => {
    it('posts the refresh grant and keeps the stored refresh token when Google sends none', async () => {
      google.refreshTokens.add('R1');
      const fresh = await adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
      expect(fresh).toEqual({ kind: 'oauth', accessToken: 'T2', refreshToken: 'R1', expiresAt: expect.any(String), scopes: [READONLY] });
      const form = new URLSearchParams(google.requestsTo('/token')[0].body);
      expect(Object.fromEntries(form)).toEqual({
        grant_type: 'refresh_token',
        refresh_token: 'R1',
        client_id: 'star-export.apps.googleusercontent.com',
        client_secret: 'client-secret',
      });
      expect(google.requestsTo('/token')[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    });

    it('takes a new refresh token when Google sends one', async () => {
      google.refreshTokens.add('R1');
      google.rotateRefreshToken = true;
      await expect(adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' })).resolves.toMatchObject({ refreshToken: 'R2' });
    });

    it('turns invalid_grant into CredentialsRejectedError', async () => {
      const error: unknown = await adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R-dead' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as CredentialsRejectedError).reason).toBe('invalid_grant');
      expect((error as CredentialsRejectedError).code).toBe('PLATFORM_NOT_CONNECTED');
    });

    it("turns another client's refresh token (unauthorized_client) into CredentialsRejectedError, not a configuration problem", async () => {
      google.foreignRefreshTokens.add('R-foreign');
      const error: unknown = await adapter.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R-foreign' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as CredentialsRejectedError).reason).toBe('foreign_client');
    });

    it('turns a refused client into ProviderNotConfiguredError', async () => {
      const misconfigured = adapterWith(fakeGoogleSettings(google, { GOOGLE_CLIENT_SECRET: 'wrong' }));
      google.refreshTokens.add('R1');
      await expect(misconfigured.refresh({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' })).rejects.toBeInstanceOf(ProviderNotConfiguredError);
    });
  });

  describe('revoke', () => {
    it('revokes the refresh token, and treats an already revoked one as done', async () => {
      google.refreshTokens.add('R1');
      await adapter.revoke({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
      expect(google.revoked).toEqual(['R1']);
      await expect(adapter.revoke({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' })).resolves.toBeUndefined();
      expect(google.requestsTo('/revoke')).toHaveLength(2);
    });
  });
});
