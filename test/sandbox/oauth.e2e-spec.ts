import { JsonWebKey, createPublicKey, verify } from 'node:crypto';
import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { JsonResponse, OAuthBody, REDIRECT_URI, admin, authorize, connect, getJson, pkce, postForm, youtube } from './sandbox-client';

describe('platform sandbox: Google OAuth 2.0', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => sandbox.admin.reset());

  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}): Promise<JsonResponse<OAuthBody>> =>
    postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
      code_verifier: verifier,
      ...extra,
    });

  it('runs the authorization-code flow with PKCE end to end', async () => {
    const { verifier, challenge } = pkce();
    const auth = await authorize(sandbox, { account: 'alice', challenge, state: 'xyz/+=' });
    expect(auth.status).toBe(302);
    const location = auth.location as URL;
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('xyz/+=');
    const code = location.searchParams.get('code') as string;
    expect(code).toMatch(/^4\/0A[A-Za-z0-9_-]+$/);

    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const tokens = res.body;
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(3599);
    expect(tokens.scope?.split(' ').sort()).toEqual(
      [
        'openid',
        'https://www.googleapis.com/auth/userinfo.email',
        'https://www.googleapis.com/auth/userinfo.profile',
        'https://www.googleapis.com/auth/youtube.readonly',
      ].sort(),
    );

    // The ID token is an RS256 JWT that verifies against the published JWK set.
    const [header, payload, signature] = (tokens.id_token as string).split('.');
    const jwks = await getJson<{ keys: (JsonWebKey & { kid: string })[] }>(`${sandbox.url}/oauth2/v3/certs`);
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const jwk = jwks.body.keys.find((k) => k.kid === kid) as JsonWebKey;
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'https://accounts.google.com', aud: sandbox.env.GOOGLE_CLIENT_ID, email: 'alice@example.com', email_verified: true });

    const me = await getJson<Record<string, unknown>>(sandbox.env.GOOGLE_USERINFO_URL, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      sub: claims.sub,
      name: expect.any(String),
      given_name: 'Alice',
      family_name: expect.any(String),
      picture: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ytc\//),
      email: 'alice@example.com',
      email_verified: true,
    });
    const alias = await getJson(`${sandbox.url}/oauth2/v3/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(alias.body).toEqual(me.body);

    const info = await getJson<Record<string, string>>(`${sandbox.url}/oauth2/v3/tokeninfo?access_token=${tokens.access_token}`);
    expect(info.body).toMatchObject({ aud: sandbox.env.GOOGLE_CLIENT_ID, sub: claims.sub, expires_in: expect.stringMatching(/^\d+$/), access_type: 'offline' });
    expect(info.body.scope).toContain('youtube.readonly');

    const channels = await youtube(sandbox, tokens.access_token as string)('channels', { part: 'id', mine: 'true' });
    expect(channels.status).toBe(200);
    expect(channels.body.items[0].id).toMatch(/^UC[A-Za-z0-9_-]{22}$/);
  });

  it('refreshes without issuing a new refresh token, as Google does', async () => {
    const tokens = await connect(sandbox);
    const res = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^ya29\./);
    expect(res.body.access_token).not.toBe(tokens.access_token);
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(res.body.expires_in).toBe(3599);
    // The stored refresh token keeps working.
    const again = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(again.status).toBe(200);
  });

  it('accepts client credentials through HTTP Basic', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(sandbox, { challenge })).location?.searchParams.get('code') as string;
    const basic = Buffer.from(`${encodeURIComponent(sandbox.env.GOOGLE_CLIENT_ID)}:${encodeURIComponent(sandbox.env.GOOGLE_CLIENT_SECRET)}`).toString('base64');
    const res = await postForm(
      sandbox.env.GOOGLE_TOKEN_URL,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^ya29\./);
  });

  it('refuses a replayed code with invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(sandbox, { challenge })).location?.searchParams.get('code') as string;
    expect((await exchange(code, verifier)).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.body.error_description).toEqual(expect.any(String));
  });

  it('refuses a wrong or missing PKCE verifier', async () => {
    const { challenge } = pkce();
    const code = (await authorize(sandbox, { challenge })).location?.searchParams.get('code') as string;
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    const missing = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(missing.body).toEqual({ error: 'invalid_grant', error_description: 'Missing code verifier.' });
  });

  it('accepts the plain PKCE method', async () => {
    const { verifier } = pkce();
    const code = (await authorize(sandbox, { challenge: verifier, method: 'plain' })).location?.searchParams.get('code') as string;
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('expires codes after ten minutes of sandbox time', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(sandbox, { challenge })).location?.searchParams.get('code') as string;
    await admin(sandbox, 'POST', '/clock', { advanceMs: 10 * 60 * 1000 + 1 });
    const res = await exchange(code, verifier);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('requires the same redirect_uri at the token endpoint', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(sandbox, { challenge })).location?.searchParams.get('code') as string;
    const res = await exchange(code, verifier, { redirect_uri: 'http://127.0.0.1:5000/other' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('redirect_uri_mismatch');
  });

  it('answers client errors as Google does', async () => {
    const unknown = await postForm(sandbox.env.GOOGLE_TOKEN_URL, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nope', client_secret: 'x' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const badSecret = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: 'wrong',
    });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const grant = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'password',
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
  });

  it('shows an error page instead of redirecting to an unregistered redirect_uri', async () => {
    const res = await authorize(sandbox, { redirectUri: 'https://evil.example/callback' });
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.text).toContain('redirect_uri_mismatch');
    const client = await authorize(sandbox, { clientId: 'unknown.apps.googleusercontent.com' });
    expect(client.status).toBe(401);
    expect(client.text).toContain('invalid_client');
  });

  it('reports request errors back to the redirect URI with the state', async () => {
    const scope = await authorize(sandbox, { scope: 'openid https://www.googleapis.com/auth/nonsense' });
    expect(scope.location?.searchParams.get('error')).toBe('invalid_scope');
    expect(scope.location?.searchParams.get('state')).toBe('state-123');
    const method = await authorize(sandbox, { challenge: pkce().challenge, method: 'S512' });
    expect(method.location?.searchParams.get('error')).toBe('invalid_request');
    const type = await authorize(sandbox, { extra: { response_type: 'token' } });
    expect(type.location?.searchParams.get('error')).toBe('unsupported_response_type');
    const access = await authorize(sandbox, { extra: { access_type: 'forever' } });
    expect(access.location?.searchParams.get('error')).toBe('invalid_request');
  });

  it('lets the admin API deny consent or untick scopes', async () => {
    await admin(sandbox, 'POST', '/consent', { decision: 'deny' });
    const denied = await authorize(sandbox);
    expect(denied.location?.searchParams.get('error')).toBe('access_denied');
    await admin(sandbox, 'POST', '/consent', { decision: 'approve', deniedScopes: ['https://www.googleapis.com/auth/youtube.readonly'] });
    const tokens = await connect(sandbox);
    expect(tokens.scope).not.toContain('youtube');
    const res = await youtube(sandbox, tokens.access_token)('channels', { part: 'id', mine: 'true' });
    expect(res.status).toBe(403);
    expect(res.body.error?.errors[0].reason).toBe('insufficientPermissions');
  });

  it('chooses the consenting account by login_hint', async () => {
    const bob = await connect(sandbox, 'bob@example.com');
    const me = await getJson<{ email: string }>(sandbox.env.GOOGLE_USERINFO_URL, { headers: { authorization: `Bearer ${bob.access_token}` } });
    expect(me.body.email).toBe('bob@example.com');
    const nobody = await authorize(sandbox, { account: 'nobody' });
    expect(nobody.status).toBe(400);
  });

  it('gives a refresh token only for offline access, and again only with prompt=consent', async () => {
    const online = await connect(sandbox, 'alice', { offline: false });
    expect(online).not.toHaveProperty('refresh_token');
    const first = await connect(sandbox, 'alice');
    expect(first.refresh_token).toBeDefined();
    const second = await connect(sandbox, 'alice');
    expect(second).not.toHaveProperty('refresh_token');
    const forced = await connect(sandbox, 'alice', { prompt: 'consent' });
    expect(forced.refresh_token).toBeDefined();
    expect(forced.refresh_token).not.toBe(first.refresh_token);
  });

  it('revokes a token together with its grant', async () => {
    const tokens = await connect(sandbox);
    const revoked = await postForm(`${sandbox.url}/revoke`, { token: tokens.access_token });
    expect(revoked.status).toBe(200);
    const api = await youtube(sandbox, tokens.access_token)('channels', { part: 'id', mine: 'true' });
    expect(api.status).toBe(401);
    expect(api.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError', domain: 'global' }] });
    const refresh = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(refresh.status).toBe(400);
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const twice = await postForm(`${sandbox.url}/revoke`, { token: tokens.refresh_token as string });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toBe('invalid_token');
  });

  it('expires access tokens on the sandbox clock', async () => {
    const tokens = await connect(sandbox);
    await admin(sandbox, 'POST', '/clock', { advanceMs: 3600 * 1000 });
    const res = await youtube(sandbox, tokens.access_token)('channels', { part: 'id', mine: 'true' });
    expect(res.status).toBe(401);
    const info = await getJson<OAuthBody>(`${sandbox.url}/oauth2/v3/tokeninfo?access_token=${tokens.access_token}`);
    expect(info.status).toBe(400);
  });

  it('can kill refresh tokens the way a 7-day "Testing" app or a revocation does', async () => {
    const tokens = await connect(sandbox);
    const res = await admin<{ grants: number }>(sandbox, 'POST', '/tokens/invalidate', { account: 'alice' });
    expect(res.body.grants).toBeGreaterThan(0);
    const refresh = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.env.GOOGLE_CLIENT_ID,
      client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('serves an OpenID discovery document that points at the sandbox', async () => {
    const doc = await getJson<Record<string, string>>(`${sandbox.url}/.well-known/openid-configuration`);
    expect(doc.body.token_endpoint).toBe(sandbox.env.GOOGLE_TOKEN_URL);
    expect(doc.body.authorization_endpoint).toBe(sandbox.env.GOOGLE_AUTH_URL);
  });
});
