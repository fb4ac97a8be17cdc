import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthClient, redirectAllowed } from '../google/clients';
import { CODE_TTL_MS } from '../google/tokens';
import { Reply, htmlReply, jsonReply, redirectReply } from '../http/reply';
import type { Call, Route } from '../server/call';
import { X_SCOPES } from './scopes';

/** X's access tokens last two hours. */
export const X_ACCESS_TTL_SECONDS = 7200;
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const oauthError = (status: number, error: string, description: string): Reply => jsonReply(status, { error, error_description: description }, NO_STORE);

function errorPage(description: string): Reply {
  const text = description.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return htmlReply(400, `<!DOCTYPE html><html><head><title>X</title></head><body><p id="error">Something went wrong. ${text}</p></body></html>`);
}

/**
 * GET /i/oauth2/authorize: X requires `state` and a PKCE challenge, checks the client and its callback
 * URL, then consents at once for the sandbox's consenting account.
 */
function authorizeEndpoint(call: Call): Reply {
  const { state } = call;
  const q = call.ctx.query;
  const client = state.clients.get(q.get('client_id') ?? '');
  if (!client) return errorPage('You weren’t able to give access to the App. Go back and try logging in again.');
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectAllowed(client, redirectUri)) return errorPage('The callback URL does not match a registered one.');
  const stateParam = q.get('state');
  if (q.get('response_type') !== 'code' || !stateParam) return errorPage('Missing response_type=code or state.');
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method') ?? 'plain';
  if (!challenge || (method !== 'S256' && method !== 'plain') || (method === 'S256' ? !/^[A-Za-z0-9_-]{43}$/.test(challenge) : !VERIFIER.test(challenge))) {
    return errorPage('A PKCE code_challenge is required.');
  }
  const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
  const back = (params: Record<string, string>): Reply => {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ state: stateParam, ...params })) url.searchParams.set(name, value);
    return redirectReply(url.toString());
  };
  if (scopes.length === 0 || scopes.some((s) => !X_SCOPES.includes(s))) return back({ error: 'invalid_scope', error_description: 'Invalid scope.' });
  const account = state.universe.get(state.defaultAccount() ?? '');
  if (!account) return errorPage('The sandbox has no accounts.');
  call.account = account.key;
  if (state.consent.decision === 'deny') return back({ error: 'access_denied', error_description: 'The user denied access.' });
  const code = state.tokens.issueCode({
    clientId: client.clientId,
    accountKey: account.key,
    redirectUri,
    scopes: scopes.filter((s) => !state.consent.deniedScopes.includes(s)),
    offline: scopes.includes('offline.access'),
    forceConsent: true,
    challenge,
    challengeMethod: method,
    nonce: null,
    expiresAt: state.now() + CODE_TTL_MS,
  });
  return back({ code });
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Confidential clients authenticate with HTTP Basic; public clients name themselves with client_id. */
function client(call: Call, form: URLSearchParams): OAuthClient | Reply {
  const basic = /^Basic\s+(\S+)$/i.exec(call.ctx.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const found = colon > 0 ? call.state.clients.get(decodeURIComponent(decoded.slice(0, colon))) : undefined;
    if (!found || !safeEqual(decodeURIComponent(decoded.slice(colon + 1)), found.clientSecret)) {
      return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
    }
    return found;
  }
  const found = call.state.clients.get(form.get('client_id') ?? '');
  return found ?? oauthError(400, 'invalid_request', 'Missing required parameter [client_id].');
}

function tokens(call: Call, grant: Parameters<Call['state']['tokens']['mintAccess']>[0], refresh: string | null): Reply {
  const access = call.state.tokens.mintAccess(grant, call.state.now(), X_ACCESS_TTL_SECONDS);
  return jsonReply(200, {
    token_type: 'bearer',
    expires_in: X_ACCESS_TTL_SECONDS,
    access_token: access.token,
    scope: grant.scopes.join(' '),
    ...(refresh ? { refresh_token: refresh } : {}),
  }, NO_STORE);
}

/**
 * POST /2/oauth2/token. Every refresh returns a new refresh token and the one it used stops working:
 * a client that loses the new one (or two that race with the same old one) must start over.
 */
async function tokenEndpoint(call: Call): Promise<Reply> {
  const { state } = call;
  const form = await call.ctx.form();
  const app = client(call, form);
  if ('status' in app) return app;
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const record = state.tokens.code(form.get('code') ?? '');
    if (!record || record.clientId !== app.clientId || record.redeemed || record.expiresAt <= state.now() || record.redirectUri !== form.get('redirect_uri')) {
      return oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.');
    }
    call.account = record.accountKey;
    const verifier = form.get('code_verifier') ?? '';
    const computed = record.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (!VERIFIER.test(verifier) || !safeEqual(computed, record.challenge ?? '')) return oauthError(400, 'invalid_request', 'Value passed for the code verifier was invalid.');
    record.redeemed = true;
    const grant = state.tokens.createGrant(record.accountKey, app.clientId, record.scopes, record.offline, null);
    return tokens(call, grant, grant.refreshToken);
  }
  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token') ?? '';
    const grant = state.tokens.refreshGrant(token);
    if (!grant || grant.revoked || grant.refreshToken !== token || grant.clientId !== app.clientId || !state.universe.get(grant.accountKey)) {
      return oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
    }
    call.account = grant.accountKey;
    return tokens(call, grant, state.tokens.rotateRefresh(grant));
  }
  return oauthError(400, 'invalid_request', 'Value passed for the grant type was invalid.');
}

/** POST /2/oauth2/revoke: ends the grant behind an access or refresh token. */
async function revokeEndpoint(call: Call): Promise<Reply> {
  const form = await call.ctx.form();
  const app = client(call, form);
  if ('status' in app) return app;
  const token = form.get('token');
  if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter [token].');
  const grant = call.state.tokens.refreshGrant(token) ?? call.state.tokens.peekAccess(token)?.grant;
  if (grant) call.account = grant.accountKey;
  call.state.tokens.revoke(token, call.state.now());
  // X answers revoked: true for tokens it no longer knows too.
  return jsonReply(200, { revoked: true }, NO_STORE);
}

export const X_OAUTH_ROUTES: Route[] = [
  { methods: ['GET'], path: '/i/oauth2/authorize', api: 'twitter.oauth.authorize', surface: 'html', handler: authorizeEndpoint },
  { methods: ['POST'], path: '/2/oauth2/token', api: 'twitter.oauth.token', surface: 'twitter-oauth', handler: tokenEndpoint },
  { methods: ['POST'], path: '/2/oauth2/revoke', api: 'twitter.oauth.revoke', surface: 'twitter-oauth', handler: revokeEndpoint },
];
