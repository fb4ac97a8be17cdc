import { createHash, randomBytes } from 'node:crypto';
import {
  CredentialsRejectedError,
  PlatformUnavailableError,
  ProviderNotConfiguredError,
  type OAuthConnectCapability,
  type PlatformSettings,
} from '@app/platform-adapters';
import { startSandbox, type RunningSandbox } from '../../apps/platform-sandbox/src';
import { sandboxSettings, youtubeAdapter } from '../../libs/platform-adapters/test/options';
import { YOUTUBE_READONLY } from './platforms-support';

const REDIRECT_URI = 'http://127.0.0.1:5999/api/platforms/youtube/oauth/callback';

/** YouTube's capability, configured from the sandbox's settings as the module reads them at boot. */
function youtubeOAuth(sandbox: RunningSandbox, overrides: PlatformSettings = {}): OAuthConnectCapability {
  const { oauth } = youtubeAdapter(sandboxSettings(sandbox, overrides), { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 });
  if (!oauth) throw new Error('YouTube has no OAuth capability');
  return oauth;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The sandbox's consent screen, which consents at once: the code it sends back. */
async function codeFor(authorizationUrl: string): Promise<string> {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  const back = new URL(res.headers.get('location') as string);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back.toString()}`);
  return code;
}

const signal = (): AbortSignal => AbortSignal.timeout(10_000);

/** YouTube's OAuth connect capability, against the sandbox's Google OAuth endpoints. */
describe("YouTube's OAuth connect capability", () => {
  let sandbox: RunningSandbox;
  let oauth: OAuthConnectCapability;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    oauth = youtubeOAuth(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('asks for read-only access with PKCE, offline access and forced consent', () => {
    expect(oauth.scopes).toEqual([YOUTUBE_READONLY]);
    expect(oauth.pkce).toBe(true);
    const { challenge } = pkcePair();
    const url = new URL(oauth.authorizationUrl({ state: 'the-state', codeChallenge: challenge, redirectUri: REDIRECT_URI }));
    expect(url.origin + url.pathname).toBe(sandbox.env.GOOGLE_AUTH_URL);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: YOUTUBE_READONLY,
      state: 'the-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
    });
  });

  it('redeems a code with its verifier, once', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(oauth.authorizationUrl({ state: 's1', codeChallenge: challenge, redirectUri: REDIRECT_URI }));

    const wrongVerifier = oauth.exchangeCode({ code, codeVerifier: pkcePair().verifier, redirectUri: REDIRECT_URI }, signal());
    await expect(wrongVerifier).rejects.toBeInstanceOf(CredentialsRejectedError);
    const otherRedirect = oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri: `${REDIRECT_URI}x` }, signal());
    await expect(otherRedirect).rejects.toBeInstanceOf(CredentialsRejectedError);

    const before = Date.now();
    const tokens = await oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT_URI }, signal());
    expect(tokens).toEqual({
      kind: 'oauth',
      accessToken: expect.stringMatching(/^ya29\./),
      refreshToken: expect.stringMatching(/^1\/\//),
      expiresAt: expect.any(String),
      scopes: [YOUTUBE_READONLY],
    });
    expect(Date.parse(tokens.expiresAt as string)).toBeGreaterThan(before + 3_000_000);

    const again = oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT_URI }, signal());
    await expect(again).rejects.toMatchObject({ name: CredentialsRejectedError.name, reason: 'invalid_grant' });
  });

  it('says the client is not configured, without one or when Google refuses it', async () => {
    const unconfigured = youtubeOAuth(sandbox, { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined });
    expect(() => unconfigured.authorizationUrl({ state: 's', codeChallenge: pkcePair().challenge, redirectUri: REDIRECT_URI })).toThrow(ProviderNotConfiguredError);
    await expect(unconfigured.exchangeCode({ code: 'c', codeVerifier: pkcePair().verifier, redirectUri: REDIRECT_URI }, signal())).rejects.toBeInstanceOf(ProviderNotConfiguredError);

    const { verifier, challenge } = pkcePair();
    const code = await codeFor(oauth.authorizationUrl({ state: 's2', codeChallenge: challenge, redirectUri: REDIRECT_URI }));
    const wrongSecret = youtubeOAuth(sandbox, { GOOGLE_CLIENT_SECRET: 'GOCSPX-not-the-secret' });
    await expect(wrongSecret.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT_URI }, signal())).rejects.toBeInstanceOf(ProviderNotConfiguredError);
  });

  it('gives up with PlatformUnavailableError when the token endpoint keeps failing', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(oauth.authorizationUrl({ state: 's3', codeChallenge: challenge, redirectUri: REDIRECT_URI }));
    sandbox.admin.addFault({ match: { api: 'oauth.token' }, respond: 503, times: 'forever' });
    try {
      await expect(oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT_URI }, signal())).rejects.toBeInstanceOf(PlatformUnavailableError);
    } finally {
      sandbox.admin.clearFaults();
    }
    // The code was never redeemed, so it still works.
    const tokens = await oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri: REDIRECT_URI }, signal());
    expect(tokens.accessToken).toMatch(/^ya29\./);
  });
});
