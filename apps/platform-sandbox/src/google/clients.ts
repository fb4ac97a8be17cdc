/**
 * Registered OAuth clients, as in a Google Cloud project's credentials page: an id, a secret and the
 * redirect URIs allowed for it. Loopback redirects on any port may be allowed wholesale, which is
 * what Google does for desktop clients and what tests with random ports need.
 */
export interface OAuthClientSpec {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs, compared as strings like Google does. */
  redirectUris?: string[];
  /** Accept any http://127.0.0.1, http://localhost or http://[::1] redirect, any port and path. Default true. */
  allowLoopbackRedirects?: boolean;
  /** Refuse authorization requests without PKCE (Google does not; a stricter test may). Default false. */
  requirePkce?: boolean;
  /** Refuse authorization requests without `state` (Google does not). Default false. */
  requireState?: boolean;
  /**
   * Lifetime of refresh tokens in seconds; 604800 mimics an app in "Testing" publishing status,
   * whose refresh tokens die after 7 days. Default: no expiry.
   */
  refreshTokenTtlSeconds?: number | null;
  /** Return a new refresh token on every refresh grant (Google does not). Default false. */
  rotateRefreshTokens?: boolean;
}

export type OAuthClient = Required<OAuthClientSpec>;

export const DEFAULT_CLIENT: OAuthClientSpec = {
  clientId: '000000000000-sandbox.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-sandbox-client-secret',
  redirectUris: [],
  allowLoopbackRedirects: true,
};

export function resolveClient(spec: OAuthClientSpec): OAuthClient {
  if (typeof spec.clientId !== 'string' || spec.clientId.trim() === '') throw new Error('clientId is required');
  if (typeof spec.clientSecret !== 'string' || spec.clientSecret === '') throw new Error('clientSecret is required');
  return {
    clientId: spec.clientId,
    clientSecret: spec.clientSecret,
    redirectUris: [...(spec.redirectUris ?? [])],
    allowLoopbackRedirects: spec.allowLoopbackRedirects ?? true,
    requirePkce: spec.requirePkce ?? false,
    requireState: spec.requireState ?? false,
    refreshTokenTtlSeconds: spec.refreshTokenTtlSeconds ?? null,
    rotateRefreshTokens: spec.rotateRefreshTokens ?? false,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
  if (client.redirectUris.includes(redirectUri)) return true;
  if (!client.allowLoopbackRedirects) return false;
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.hash === '' && !redirectUri.includes('#');
  } catch {
    return false;
  }
}
