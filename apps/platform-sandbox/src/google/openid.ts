import { Reply, jsonReply } from '../http/reply';
import { googleSubOf } from './identity';
import type { Call } from '../server/call';
import { picture } from './oauth';
import { SCOPE } from './scopes';

const unauthorized = (): Reply =>
  jsonReply(
    401,
    { error: 'invalid_request', error_description: 'Invalid Credentials' },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );

/**
 * GET /v1/userinfo (openidconnect.googleapis.com), /oauth2/v3/userinfo and the older /oauth2/v2/userinfo.
 * Claims follow the granted scopes: sub always, email with the email scope, names with profile.
 */
export function userinfoEndpoint(call: Call): Reply {
  const token = call.ctx.bearer() ?? call.ctx.query.get('access_token');
  const record = token ? call.state.tokens.useAccess(token, call.state.now()) : null;
  const account = record ? call.state.universe.get(record.grant.accountKey) : undefined;
  if (!record || !account) return unauthorized();
  call.account = account.key;
  const scopes = record.grant.scopes;
  const email = scopes.includes(SCOPE.email);
  const profile = scopes.includes(SCOPE.profile);
  if (call.ctx.path === '/oauth2/v2/userinfo') {
    return jsonReply(200, {
      id: googleSubOf(account),
      ...(email ? { email: account.email, verified_email: true } : {}),
      ...(profile ? { name: account.name, given_name: account.givenName, family_name: account.familyName, picture: picture(call.state, account) } : {}),
    });
  }
  return jsonReply(200, {
    sub: googleSubOf(account),
    ...(profile ? { name: account.name, given_name: account.givenName, family_name: account.familyName, picture: picture(call.state, account) } : {}),
    ...(email ? { email: account.email, email_verified: true } : {}),
  });
}

/** GET /oauth2/v3/tokeninfo?access_token=…; numbers and booleans come back as strings, as Google sends them. */
export function tokeninfoEndpoint(call: Call): Reply {
  const token = call.ctx.query.get('access_token') ?? call.ctx.bearer();
  const now = call.state.now();
  const record = token ? call.state.tokens.peekAccess(token) : undefined;
  if (!record || !call.state.tokens.isAccessValid(record, now)) {
    return jsonReply(400, { error: 'invalid_token', error_description: 'Invalid Value' });
  }
  const account = call.state.universe.get(record.grant.accountKey);
  if (!account) return jsonReply(400, { error: 'invalid_token', error_description: 'Invalid Value' });
  call.account = account.key;
  const scopes = record.grant.scopes;
  return jsonReply(200, {
    azp: record.grant.clientId,
    aud: record.grant.clientId,
    sub: googleSubOf(account),
    scope: scopes.join(' '),
    exp: String(Math.floor(record.expiresAt / 1000)),
    expires_in: String(Math.max(0, Math.floor((record.expiresAt - now) / 1000))),
    ...(scopes.includes(SCOPE.email) ? { email: account.email, email_verified: 'true' } : {}),
    access_type: record.grant.refreshToken ? 'offline' : 'online',
  });
}

export function certsEndpoint(call: Call): Reply {
  return jsonReply(200, call.state.signer.jwks(), { 'cache-control': 'public, max-age=3600' });
}

/** /.well-known/openid-configuration pointing at the sandbox's own endpoints. */
export function discoveryEndpoint(call: Call): Reply {
  const base = call.state.baseUrl;
  return jsonReply(200, {
    issuer: call.state.options.issuer,
    authorization_endpoint: `${base}/o/oauth2/v2/auth`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/v1/userinfo`,
    revocation_endpoint: `${base}/revoke`,
    jwks_uri: `${base}/oauth2/v3/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
  });
}
