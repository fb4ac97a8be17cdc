import { createHash, timingSafeEqual } from 'node:crypto';
import { CODE_TTL_MS } from '../google/tokens';
import { htmlReply, jsonReply, redirectReply, type Reply } from '../http/reply';
import type { Call, Route } from '../server/call';
import { DATA_ACCESS_SECONDS, FACEBOOK_PERMISSIONS, FACEBOOK_SANDBOX_APP, LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS } from './app';
import { facebookOf } from './facebook-account';
import { graphError } from './graph-error';

const noStore = { 'cache-control': 'no-store' };

function withParams(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  // Facebook appends an empty fragment to the login redirect.
  return `${url.toString()}#_=_`;
}

function loopbackOrHttps(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

/**
 * The login dialog (https://www.facebook.com/<version>/dialog/oauth): checks the app and redirect URI,
 * then the sandbox's person consents at once (or denies, as the admin consent settings say) and is sent
 * back with `code` and `state`. Permissions the person unticks are left out of the grant.
 */
function dialog(call: Call): Reply {
  const { query } = call.ctx;
  const { state } = call;
  if (query.get('client_id') !== FACEBOOK_SANDBOX_APP.id) return htmlReply(400, '<h1>Invalid App ID</h1><p>The provided app ID does not look like a valid app ID.</p>');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!loopbackOrHttps(redirectUri)) return htmlReply(400, "<h1>URL blocked</h1><p>This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.</p>");
  const stateParam = query.get('state');
  const back = (params: Record<string, string>): Reply => redirectReply(withParams(redirectUri, { ...params, ...(stateParam !== null ? { state: stateParam } : {}) }));
  if (state.consent.decision === 'deny') {
    return back({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' });
  }
  const accountKey = state.defaultAccount();
  if (!accountKey) return htmlReply(400, '<h1>No account</h1>');
  const asked = (query.get('scope') ?? 'public_profile').split(/[\s,]+/).filter(Boolean);
  const unknown = asked.filter((scope) => !(FACEBOOK_PERMISSIONS as readonly string[]).includes(scope));
  if (unknown.length > 0) return htmlReply(400, `<h1>Invalid Scopes: ${unknown.join(', ').replace(/[<>&"]/g, '')}</h1>`);
  const granted = [...new Set(['public_profile', ...asked])].filter((scope) => !state.consent.deniedScopes.includes(scope));
  const method = query.get('code_challenge_method');
  const code = state.tokens.issueCode({
    clientId: FACEBOOK_SANDBOX_APP.id,
    accountKey,
    redirectUri,
    scopes: granted,
    offline: false,
    forceConsent: false,
    challenge: query.get('code_challenge'),
    challengeMethod: query.get('code_challenge') ? (method === 'plain' ? 'plain' : 'S256') : null,
    nonce: null,
    expiresAt: state.now() + CODE_TTL_MS,
  });
  return back({ code });
}

const oauthError = (message: string, code = 100, subcode?: number): Reply => graphError(400, code, message, 'OAuthException', subcode);

/** The app's own credentials on a token call: `client_id` and `client_secret`. */
function checkClient(query: URLSearchParams): Reply | null {
  if (query.get('client_id') !== FACEBOOK_SANDBOX_APP.id) return oauthError('Error validating application. Invalid application ID.', 101);
  const secret = Buffer.from(query.get('client_secret') ?? '');
  const expected = Buffer.from(FACEBOOK_SANDBOX_APP.secret);
  if (secret.length !== expected.length || !timingSafeEqual(secret, expected)) return oauthError('Error validating client secret.', 1);
  return null;
}

async function paramsOf(call: Call): Promise<URLSearchParams> {
  const params = new URLSearchParams(call.ctx.query);
  if (call.ctx.method === 'POST') for (const [name, value] of await call.ctx.form()) params.set(name, value);
  return params;
}

/**
 * /oauth/access_token: an authorization code for a short-lived user token (about two hours), or
 * `grant_type=fb_exchange_token` for a long-lived one (about 60 days). There is no refresh grant.
 */
async function accessToken(call: Call): Promise<Reply> {
  const { state } = call;
  const query = await paramsOf(call);
  const refused = checkClient(query);
  if (refused) return refused;
  const now = state.now();
  if (query.get('grant_type') === 'fb_exchange_token') {
    const record = state.tokens.useAccess(query.get('fb_exchange_token') ?? '', now);
    if (!record) return oauthError('Invalid OAuth access token.', 190);
    call.account = record.grant.accountKey;
    const long = state.tokens.mintAccess(record.grant, now, LONG_LIVED_SECONDS);
    return jsonReply(200, { access_token: long.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS }, noStore);
  }
  const code = state.tokens.code(query.get('code') ?? '');
  if (!code || code.clientId !== FACEBOOK_SANDBOX_APP.id || code.expiresAt <= now) {
    return oauthError('Invalid verification code format.', 100, 36007);
  }
  if (code.redeemed) return oauthError('This authorization code has been used.', 100, 36009);
  if (code.redirectUri !== query.get('redirect_uri')) {
    return oauthError('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 100, 36008);
  }
  if (code.challenge) {
    const verifier = query.get('code_verifier') ?? '';
    const derived = code.challengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (derived !== code.challenge) return oauthError('Invalid code verifier.', 100, 36007);
  }
  code.redeemed = true;
  call.account = code.accountKey;
  const grant = state.tokens.createGrant(code.accountKey, FACEBOOK_SANDBOX_APP.id, code.scopes, false, null);
  const short = state.tokens.mintAccess(grant, now, SHORT_LIVED_SECONDS);
  return jsonReply(200, { access_token: short.token, token_type: 'bearer', expires_in: SHORT_LIVED_SECONDS }, noStore);
}

/**
 * /debug_token?input_token=…&access_token=<app id>|<app secret>: what a user token is. An invalid token
 * still answers 200, with `is_valid: false` and the reason in `error`.
 */
function debugToken(call: Call): Reply {
  const { state, ctx } = call;
  const appToken = ctx.query.get('access_token') ?? ctx.bearer() ?? '';
  if (appToken !== `${FACEBOOK_SANDBOX_APP.id}|${FACEBOOK_SANDBOX_APP.secret}`) {
    return oauthError('(#100) You must provide an app access token, or a user access token that is an owner or developer of the app', 100);
  }
  const now = state.now();
  const record = state.tokens.peekAccess(ctx.query.get('input_token') ?? '');
  if (!record) {
    return jsonReply(200, { data: { is_valid: false, scopes: [], error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' } } });
  }
  const account = state.universe.get(record.grant.accountKey);
  call.account = record.grant.accountKey;
  const valid = state.tokens.isAccessValid(record, now) && account !== undefined;
  const expired = record.expiresAt <= now || record.callsLeft === 0;
  return jsonReply(200, {
    data: {
      app_id: FACEBOOK_SANDBOX_APP.id,
      type: 'USER',
      application: FACEBOOK_SANDBOX_APP.name,
      data_access_expires_at: Math.floor(record.issuedAt / 1000) + DATA_ACCESS_SECONDS,
      expires_at: Math.floor(record.expiresAt / 1000),
      is_valid: valid,
      issued_at: Math.floor(record.issuedAt / 1000),
      scopes: record.grant.scopes,
      user_id: account ? facebookOf(account).userId : undefined,
      ...(valid
        ? {}
        : { error: { code: 190, subcode: expired ? 463 : 467, message: expired ? 'Session has expired' : 'The access token is invalid' } }),
    },
  });
}

const V = '/v\\d+\\.\\d+';

export const FACEBOOK_OAUTH_ROUTES: Route[] = [
  { methods: ['GET'], path: new RegExp(`^${V}/dialog/oauth$`), api: 'facebook.dialog.oauth', surface: 'facebook', handler: dialog },
  { methods: ['GET', 'POST'], path: new RegExp(`^${V}/oauth/access_token$`), api: 'facebook.oauth.access_token', surface: 'facebook', handler: accessToken },
  { methods: ['GET'], path: new RegExp(`^${V}/debug_token$`), api: 'facebook.debug_token', surface: 'facebook', handler: debugToken },
];
