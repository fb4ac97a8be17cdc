import type { OAuthTokens } from './credentials';

/** What the consent-screen URL is built from. apps/api owns all three; the adapter only spells them out. */
export interface OAuthAuthorizationRequest {
  /** The one-time value the platform hands back with the code; apps/api binds it to the browser that asked. */
  state: string;
  /**
   * base64url(SHA-256(code_verifier)), sent with `code_challenge_method=S256`. Present exactly when the
   * capability declares `pkce`; the verifier itself never leaves the server.
   */
  codeChallenge?: string;
  /** The callback the platform sends the browser back to; it must be registered with the platform's client. */
  redirectUri: string;
}

/** What the callback brings back, to be redeemed once at the platform's token endpoint. */
export interface OAuthCodeExchange {
  code: string;
  /** The PKCE verifier kept server-side for this state; present exactly when the capability declares `pkce`. */
  codeVerifier?: string;
  /** The same redirect URI the authorization request carried (RFC 6749 §4.1.3). */
  redirectUri: string;
}

/**
 * The OAuth 2.0 authorization-code connect step of a platform, as an adapter offers it through
 * `PlatformAdapter.oauth`. apps/api keeps the state table, the browser binding and the routes, the same
 * for every platform; the adapter knows the platform's endpoints, client, scopes and extra parameters.
 */
export interface OAuthConnectCapability {
  /** The scopes the consent screen asks for. */
  readonly scopes: readonly string[];
  /** Whether the platform honours PKCE (RFC 7636) with S256; apps/api then sends a challenge and keeps the verifier. */
  readonly pkce: boolean;
  /**
   * The platform's consent-screen URL for this request. Throws ProviderNotConfiguredError when the
   * platform's OAuth client is not configured on this server.
   */
  authorizationUrl(request: OAuthAuthorizationRequest): string;
  /**
   * Redeems an authorization code for tokens. A code the platform refuses (used, expired, issued for
   * another redirect URI or verifier) is a CredentialsRejectedError; an unreachable platform a
   * PlatformUnavailableError; a refused client ProviderNotConfiguredError. The tokens are not checked
   * here: connecting runs `verifyCredentials` on them as it does for tokens a user pastes.
   */
  exchangeCode(exchange: OAuthCodeExchange, signal: AbortSignal): Promise<OAuthTokens>;
}
