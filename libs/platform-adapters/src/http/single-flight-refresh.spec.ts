import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import { CredentialsRejectedError } from '../errors';
import { GoogleOAuthClient } from '../google/google-oauth.client';
import { FAST_HTTP, sandboxSettings, youtubeSlices } from '../../test/options';
import { testContext } from '../../test/test-context';
import type { OAuthTokens } from '../adapter/credentials';
import type { PlatformSettings } from '../settings/settings-reader';
import { PlatformHttpClientFactory } from './platform-http-client.factory';
import type { PlatformHttpClient } from './platform-http-client';

const CHANNELS = { operation: 'channels.list', url: 'channels', query: { mine: true, part: 'snippet' }, cost: { units: 1 } };
const READONLY = 'https://www.googleapis.com/auth/youtube.readonly';

/** Refresh on 401 through the platform client, against the sandbox's Google token endpoint and Data API. */
describe('single-flight token refresh', () => {
  let sandbox: RunningSandbox;
  let api: PlatformHttpClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.admin.reset();
    api = clientFor(sandboxSettings(sandbox));
  });

  function clientFor(settings: PlatformSettings): PlatformHttpClient {
    const { youtube } = youtubeSlices(settings);
    const factory = new PlatformHttpClientFactory(FAST_HTTP);
    const oauth = new GoogleOAuthClient('youtube', youtube.google, factory);
    return factory.create({ platform: 'youtube', baseUrl: youtube.apiUrl, refresh: (tokens, signal) => oauth.refresh(tokens, signal) });
  }

  /** alice's tokens, whose access token the Data API refuses from now on (tokeninfo too: it is dead). */
  function deadAccessToken(clientId?: string): OAuthTokens {
    const tokens = sandbox.admin.issueTokens({ account: 'alice', scopes: [READONLY], ...(clientId ? { clientId } : {}) });
    sandbox.admin.expireTokens({ account: 'alice' });
    return { kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
  }

  const calls = () => sandbox.admin.log().entries.map((entry) => `${entry.api} ${entry.status}`);

  it('refreshes once for 10 concurrent 401s and saves the new token before any retry uses it', async () => {
    const tokens = deadAccessToken();
    sandbox.admin.addLatency({ ms: 50, match: { api: 'oauth.token' } });
    const context = testContext(tokens);
    const { ctx, store, charges } = context;
    // What the sandbox had answered when the new token was durably saved.
    let answeredAtSave: string[] = [];
    const save = ctx.credentials.save;
    ctx.credentials.save = async (next) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await save(next);
      answeredAtSave = calls();
    };

    const answers = await Promise.all(Array.from({ length: 10 }, () => api.callJson(ctx, CHANNELS)));

    expect(answers).toHaveLength(10);
    const refused = Array.from({ length: 10 }, () => 'youtube.channels.list 401');
    const served = Array.from({ length: 10 }, () => 'youtube.channels.list 200');
    // Every retry came after the save, and there was one refresh grant.
    expect(answeredAtSave).toEqual([...refused, 'oauth.token 200']);
    expect(calls()).toEqual([...refused, 'oauth.token 200', ...served]);
    // Google sent no new refresh token, so the stored one is kept.
    expect(store.value).toMatchObject({ kind: 'oauth', refreshToken: tokens.refreshToken, scopes: [READONLY] });
    expect((store.value as OAuthTokens).accessToken).not.toBe(tokens.accessToken);
    // Refused requests are billed too.
    expect(charges).toHaveLength(20);
  });

  it('persists a rotated refresh token', async () => {
    sandbox.admin.addClient({ clientId: 'rotating.apps.googleusercontent.com', clientSecret: 'rotating-secret', redirectUris: [], rotateRefreshTokens: true });
    const rotating = clientFor(sandboxSettings(sandbox, { GOOGLE_CLIENT_ID: 'rotating.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'rotating-secret' }));
    const tokens = deadAccessToken('rotating.apps.googleusercontent.com');
    const { ctx, store } = testContext(tokens);
    await rotating.callJson(ctx, CHANNELS);
    expect((store.value as OAuthTokens).refreshToken).toEqual(expect.any(String));
    expect((store.value as OAuthTokens).refreshToken).not.toBe(tokens.refreshToken);
  });

  it('refreshes before the call when the stored token has expired, sparing a refused request', async () => {
    const tokens = sandbox.admin.issueTokens({ account: 'alice', scopes: [READONLY] });
    const expired = new Date(Date.now() - 1_000).toISOString();
    const { ctx } = testContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: expired });
    await api.callJson(ctx, CHANNELS);
    expect(calls()).toEqual(['oauth.token 200', 'youtube.channels.list 200']);
  });

  it('stops with CredentialsRejectedError on invalid_grant, after one token request', async () => {
    const tokens = deadAccessToken();
    const { ctx, saves } = testContext({ ...tokens, refreshToken: 'R-revoked' });
    const error: unknown = await api.callJson(ctx, CHANNELS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as CredentialsRejectedError).reason).toBe('invalid_grant');
    expect(calls()).toEqual(['youtube.channels.list 401', 'oauth.token 400']);
    expect(saves).toEqual([]);
  });

  it('stops with CredentialsRejectedError when the refreshed token is refused as well, without a second refresh', async () => {
    const tokens = deadAccessToken();
    // Tokens issued from now on die at once too: the account is broken beyond a refresh.
    sandbox.admin.expireTokens({ account: 'alice', future: true });
    const { ctx } = testContext(tokens);
    const error: unknown = await api.callJson(ctx, CHANNELS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as CredentialsRejectedError).reason).toBe('rejected_after_refresh');
    expect(calls()).toEqual(['youtube.channels.list 401', 'oauth.token 200', 'youtube.channels.list 401']);
  });

  it('stops at once when there is no refresh token', async () => {
    const { accessToken } = deadAccessToken();
    const { ctx } = testContext({ kind: 'oauth', accessToken });
    await expect(api.callJson(ctx, CHANNELS)).rejects.toMatchObject({ reason: 'no_refresh_token' });
    expect(calls()).toEqual(['youtube.channels.list 401']);
  });
});
