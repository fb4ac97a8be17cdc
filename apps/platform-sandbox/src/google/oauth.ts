import { createHash, timingSafeEqual } from 'node:crypto';
import { googleSubOf } from './identity';
import { youtubeOf } from '../youtube/youtube-account';
import { Reply, htmlReply, jsonReply, redirectReply } from '../http/reply';
import type { Call } from '../server/call';
import type { SandboxState } from '../server/state';
import type { Account } from '../synthetic/account';
import { OAuthClient, redirectAllowed } from './clients';
import { accessTokenHash } from './id-token';
import { hasIdentityScope, parseScopes, SCOPE } from './scopes';
import { AccessTokenRecord, CODE_TTL_MS, Grant } from './tokens';

const NO_STORE = { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' };
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const oauthError = (status: number, error: string, description: string): Reply =>
  jsonReply(status, { error, error_description: description }, NO_STORE);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Google's "Error 400: redirect_uri_mismatch"-style page, shown when it cannot trust the redirect. */
function errorPage(status: number, error: string, description: string): Reply {
  return htmlReply(
    status,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Error ${status} (${escapeHtml(error)})</title></head>` +
      `<body><h1>Access blocked: authorization error</h1><p id="error" data-error="${escapeHtml(error)}">Error ${status}: ${escapeHtml(error)}</p>` +
      `<p>${escapeHtml(description)}</p></body></html>`,
    { 'cache-control': 'no-store' },
  );
}

function withParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * GET /o/oauth2/v2/auth: validates the request like Google and consents at once. Problems with the
 * client or the redirect URI are shown as an error page (the redirect cannot be trusted); everything
 * else is reported back to the redirect URI with `error=…` and the `state`, per RFC 6749 §4.1.2.1.
 */
export function authorizeEndpoint(call: Call): Reply {
  const { state } = call;
  const q = call.ctx.query;
  const clientId = q.get('client_id');
  if (!clientId) return errorPage(400, 'invalid_request', 'Missing required parameter: client_id');
  const client = state.clients.get(clientId);
  if (!client) return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) return errorPage(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!redirectAllowed(client, redirectUri)) {
    return errorPage(400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`);
  }

  const stateParam = q.get('state');
  const fail = (error: string, description: string): Reply =>
    redirectReply(withParams(redirectUri, { error, error_description: description, ...(stateParam !== null ? { state: stateParam } : {}) }));

  const responseType = q.get('response_type');
  if (!responseType) return fail('invalid_request', 'Required parameter is missing: response_type');
  if (responseType !== 'code') return fail('unsupported_response_type', `Invalid response_type: ${responseType}`);
  const rawScope = q.get('scope');
  if (!rawScope || rawScope.trim() === '') return fail('invalid_request', 'Missing required parameter: scope');
  const { scopes, unknown } = parseScopes(rawScope);
  if (unknown.length > 0) return fail('invalid_scope', `Some requested scopes were invalid. {invalid=[${unknown.join(', ')}]}`);
  if (stateParam === null && client.requireState) return fail('invalid_request', 'Missing required parameter: state');

  const accessType = q.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') return fail('invalid_request', `Invalid access_type: ${accessType}`);
  const prompts = (q.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompts.some((p) => !['none', 'consent', 'select_account'].includes(p)) || (prompts.includes('none') && prompts.length > 1)) {
    return fail('invalid_request', `Invalid prompt: ${q.get('prompt')}`);
  }

  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (method !== null && challenge === null) return fail('invalid_request', 'Missing code_challenge.');
  if (challenge === null && client.requirePkce) return fail('invalid_request', 'Missing code_challenge.');
  if (challenge !== null) {
    if (method !== null && method !== 'S256' && method !== 'plain') return fail('invalid_request', `Invalid code_challenge_method: ${method}`);
    const valid = (method ?? 'plain') === 'S256' ? /^[A-Za-z0-9_-]{43}$/.test(challenge) : VERIFIER.test(challenge);
    if (!valid) return fail('invalid_request', 'Invalid code_challenge.');
  }

  const hint = q.get('login_hint');
  const account = hint ? state.universe.find(hint) : state.universe.get(state.defaultAccount() ?? '');
  if (!account) {
    return errorPage(400, 'invalid_request', hint ? `No synthetic account matches login_hint=${hint}.` : 'The sandbox has no accounts.');
  }
  call.account = account.key;

  const previously = state.tokens.grantedScopes(account.key, client.clientId);
  if (prompts.includes('none') && !scopes.every((s) => previously.includes(s))) {
    return fail('consent_required', 'The user has not granted these scopes to this client.');
  }
  if (state.consent.decision === 'deny') return fail('access_denied', 'The user denied access.');
  let granted = scopes.filter((s) => !state.consent.deniedScopes.includes(s));
  if (q.get('include_granted_scopes') === 'true') granted = [...new Set([...granted, ...previously])];

  const code = state.tokens.issueCode({
    clientId: client.clientId,
    accountKey: account.key,
    redirectUri,
    scopes: granted,
    offline: accessType === 'offline',
    forceConsent: prompts.includes('consent'),
    challenge,
    challengeMethod: challenge === null ? null : ((method ?? 'plain') as 'S256' | 'plain'),
    nonce: q.get('nonce'),
    expiresAt: state.now() + CODE_TTL_MS,
  });
  return redirectReply(
    withParams(redirectUri, {
      ...(stateParam !== null ? { state: stateParam } : {}),
      code,
      scope: granted.join(' '),
      authuser: '0',
      prompt: prompts.includes('none') ? 'none' : 'consent',
    }),
  );
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Client credentials from the body or from HTTP Basic (RFC 6749 §2.3.1), as Google accepts both. */
function authenticateClient(call: Call, form: URLSearchParams): OAuthClient | Reply {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(call.ctx.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return oauthError(401, 'invalid_client', 'Unauthorized');
    const basicId = decodeURIComponent(decoded.slice(0, colon));
    const basicSecret = decodeURIComponent(decoded.slice(colon + 1));
    if ((id !== null && id !== basicId) || (secret !== null && secret !== basicSecret)) {
      return oauthError(400, 'invalid_request', 'Client credentials were given in both the body and the Authorization header and differ.');
    }
    id = basicId;
    secret = basicSecret;
  }
  if (!id) return oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
  const client = call.state.clients.get(id);
  if (!client) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (secret === null) return oauthError(400, 'invalid_request', 'client_secret is missing.');
  if (!safeEqual(secret, client.clientSecret)) return oauthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

function tokenResponse(state: SandboxState, access: AccessTokenRecord, account: Account, refreshToken: string | null, nonce: string | null): Reply {
  const grant = access.grant;
  const body: Record<string, unknown> = {
    access_token: access.token,
    expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(refreshToken && grant.refreshExpiresAt !== null ? { refresh_token_expires_in: Math.round((grant.refreshExpiresAt - state.now()) / 1000) } : {}),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
  };
  if (hasIdentityScope(grant.scopes)) body.id_token = idToken(state, access, account, nonce);
  return jsonReply(200, body, NO_STORE);
}

function idToken(state: SandboxState, access: AccessTokenRecord, account: Account, nonce: string | null): string {
  const scopes = access.grant.scopes;
  const iat = Math.floor(state.now() / 1000);
  return state.signer.sign({
    iss: state.options.issuer,
    azp: access.grant.clientId,
    aud: access.grant.clientId,
    sub: googleSubOf(account),
    ...(scopes.includes(SCOPE.email) ? { email: account.email, email_verified: true } : {}),
    at_hash: accessTokenHash(access.token),
    ...(nonce ? { nonce } : {}),
    ...(scopes.includes(SCOPE.profile)
      ? { name: account.name, picture: picture(state, account), given_name: account.givenName, family_name: account.familyName }
      : {}),
    iat,
    exp: iat + 3600,
  });
}

export function picture(state: SandboxState, account: Account): string {
  // A Google account's picture is its YouTube channel's avatar when it has one.
  return `${state.baseUrl}/ytc/${youtubeOf(account).channel?.id ?? `UC${googleSubOf(account).slice(0, 22)}`}=s96-c`;
}

/** POST /token: authorization_code and refresh_token grants. */
export async function tokenEndpoint(call: Call): Promise<Reply> {
  const { state } = call;
  const form = await call.ctx.form();
  const client = authenticateClient(call, form);
  if ('status' in client) return client;
  const grantType = form.get('grant_type') ?? '';
  const now = state.now();

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const redirectUri = form.get('redirect_uri');
    if (!redirectUri) return oauthError(400, 'invalid_request', 'Missing parameter: redirect_uri');
    const record = state.tokens.code(code);
    if (!record || record.clientId !== client.clientId) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    call.account = record.accountKey;
    if (record.redeemed) return oauthError(400, 'invalid_grant', 'Code was already redeemed.');
    if (record.expiresAt <= now) return oauthError(400, 'invalid_grant', 'Bad Request');
    if (record.redirectUri !== redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    const verifier = form.get('code_verifier');
    if (record.challenge !== null) {
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      const computed = record.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!VERIFIER.test(verifier) || !safeEqual(computed, record.challenge)) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    const account = state.universe.get(record.accountKey);
    if (!account) return oauthError(400, 'invalid_grant', 'Account has been deleted');
    // A code is spent only by a successful exchange; failed attempts above leave it usable.
    record.redeemed = true;
    // Google hands out a refresh token on the first offline consent, and again only with prompt=consent.
    const existing = record.offline ? state.tokens.liveOfflineGrant(account.key, client.clientId, now) : undefined;
    let grant: Grant;
    let refreshToken: string | null = null;
    if (record.offline && (record.forceConsent || !existing)) {
      const expiresAt = client.refreshTokenTtlSeconds === null ? null : now + client.refreshTokenTtlSeconds * 1000;
      grant = state.tokens.createGrant(account.key, client.clientId, record.scopes, true, expiresAt);
      refreshToken = grant.refreshToken;
    } else if (existing) {
      existing.scopes = [...new Set([...existing.scopes, ...record.scopes])];
      grant = existing;
    } else {
      grant = state.tokens.createGrant(account.key, client.clientId, record.scopes, false, null);
    }
    const access = state.tokens.mintAccess(grant, now, state.accessTokenTtlSeconds);
    return tokenResponse(state, access, account, refreshToken, record.nonce);
  }

  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token');
    if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = state.tokens.refreshGrant(token);
    if (grant) call.account = grant.accountKey;
    const expired = grant?.refreshExpiresAt !== null && grant?.refreshExpiresAt !== undefined && grant.refreshExpiresAt <= now;
    if (!grant || grant.revoked || expired || grant.refreshToken !== token) {
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    if (grant.clientId !== client.clientId) return oauthError(401, 'unauthorized_client', 'Unauthorized');
    const account = state.universe.get(grant.accountKey);
    if (!account) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const access = state.tokens.mintAccess(grant, now, state.accessTokenTtlSeconds);
    // Google keeps the refresh token; a client configured to rotate gets a new one each time.
    const rotated = client.rotateRefreshTokens ? state.tokens.rotateRefresh(grant) : null;
    return tokenResponse(state, access, account, rotated, null);
  }

  return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
}

/** POST /revoke (token in the form or the query): kills the token's whole grant. */
export async function revokeEndpoint(call: Call): Promise<Reply> {
  const form = call.ctx.method === 'POST' ? await call.ctx.form() : new URLSearchParams();
  const token = form.get('token') ?? call.ctx.query.get('token');
  if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter: token');
  const record = call.state.tokens.peekAccess(token);
  const grant = call.state.tokens.refreshGrant(token) ?? record?.grant;
  if (grant) call.account = grant.accountKey;
  if (!call.state.tokens.revoke(token, call.state.now())) return oauthError(400, 'invalid_token', 'Token expired or revoked');
  return jsonReply(200, {}, NO_STORE);
}
