import { CredentialsRejectedError } from '../errors';
import { GoogleOAuthClient } from '../google/google-oauth.client';
import { FakeGoogle } from '../../test/fake-google';
import { FAST_HTTP, fakeGoogleSettings, youtubeSlices } from '../../test/options';
import { testContext } from '../../test/test-context';
import type { OAuthTokens } from '../adapter/credentials';
import { PlatformHttpClientFactory } from './platform-http-client.factory';
import type { PlatformHttpClient } from './platform-http-client';

const CHANNELS = { operation: 'channels.list', url: 'channels', query: { mine: true, part: 'snippet' }, cost: { units: 1 } };

describe('single-flight token refresh', () => {
  let google: FakeGoogle;
  let api: PlatformHttpClient;

  beforeEach(async () => {
    google = await FakeGoogle.start();
    const { youtube } = youtubeSlices(fakeGoogleSettings(google));
    const factory = new PlatformHttpClientFactory(FAST_HTTP);
    const oauth = new GoogleOAuthClient('youtube', youtube.google, factory);
    api = factory.create({
      platform: 'youtube',
      baseUrl: youtube.apiUrl,
      refresh: (tokens, signal) => oauth.refresh(tokens, signal),
    });
  });

  afterEach(() => google.close());

  /** A context whose store takes a while to save and logs the save among the server's events. */
  function slowStoreContext(tokens: OAuthTokens) {
    const context = testContext(tokens);
    const save = context.ctx.credentials.save;
    context.ctx.credentials.save = async (next) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await save(next);
      if (next.kind === 'oauth') google.log.push(`saved:${next.accessToken}`);
    };
    return context;
  }

  it('refreshes once for 10 concurrent 401s and saves the new token before any retry uses it', async () => {
    google.issue('T1', { acceptedByApi: false });
    google.refreshTokens.add('R1');
    google.refreshDelayMs = 50;
    const { ctx, store, charges } = slowStoreContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });

    const answers = await Promise.all(Array.from({ length: 10 }, () => api.callJson(ctx, CHANNELS)));

    expect(answers).toHaveLength(10);
    expect(google.requestsTo('/token')).toHaveLength(1);
    expect(google.log.filter((event) => event === 'api:T1')).toHaveLength(10);
    expect(google.log.filter((event) => event === 'api:T2')).toHaveLength(10);
    const saved = google.log.indexOf('saved:T2');
    expect(saved).toBeGreaterThan(google.log.indexOf('token'));
    expect(google.log.indexOf('api:T2')).toBeGreaterThan(saved);
    // Google sent no new refresh token, so the stored one is kept.
    expect(store.value).toMatchObject({ kind: 'oauth', accessToken: 'T2', refreshToken: 'R1', scopes: [expect.stringContaining('youtube.readonly')] });
    // Refused requests are billed too.
    expect(charges).toHaveLength(20);
  });

  it('persists a rotated refresh token', async () => {
    google.issue('T1', { acceptedByApi: false });
    google.refreshTokens.add('R1');
    google.rotateRefreshToken = true;
    const { ctx, store } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
    await api.callJson(ctx, CHANNELS);
    expect(store.value).toMatchObject({ accessToken: 'T2', refreshToken: 'R2' });
  });

  it('refreshes before the call when the stored token has expired, sparing a refused request', async () => {
    google.issue('T1');
    google.refreshTokens.add('R1');
    const expired = new Date(Date.now() - 1_000).toISOString();
    const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1', expiresAt: expired });
    await api.callJson(ctx, CHANNELS);
    expect(google.log).toEqual(['token', 'api:T2']);
  });

  it('stops with CredentialsRejectedError on invalid_grant, after one token request', async () => {
    google.issue('T1', { acceptedByApi: false });
    const { ctx, saves } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R-revoked' });
    const error: unknown = await api.callJson(ctx, CHANNELS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as CredentialsRejectedError).reason).toBe('invalid_grant');
    expect(google.log).toEqual(['api:T1', 'token']);
    expect(saves).toEqual([]);
  });

  it('stops with CredentialsRejectedError when the refreshed token is refused as well, without a second refresh', async () => {
    google.issue('T1', { acceptedByApi: false });
    google.refreshTokens.add('R1');
    google.refreshedTokensWork = false;
    const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1', refreshToken: 'R1' });
    const error: unknown = await api.callJson(ctx, CHANNELS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as CredentialsRejectedError).reason).toBe('rejected_after_refresh');
    expect(google.log).toEqual(['api:T1', 'token', 'api:T2']);
  });

  it('stops at once when there is no refresh token', async () => {
    google.issue('T1', { acceptedByApi: false });
    const { ctx } = testContext({ kind: 'oauth', accessToken: 'T1' });
    await expect(api.callJson(ctx, CHANNELS)).rejects.toMatchObject({ reason: 'no_refresh_token' });
    expect(google.requestsTo('/token')).toHaveLength(0);
  });
});
