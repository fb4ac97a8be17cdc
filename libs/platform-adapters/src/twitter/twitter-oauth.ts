import type { OAuthTokens } from '../adapter/credentials';
import type { OAuthAuthorizationRequest, OAuthCodeExchange, OAuthConnectCapability } from '../adapter/oauth-connect';
import { CredentialsRejectedError, MalformedResponseError, PlatformRequestError, ProviderNotConfiguredError } from '../errors';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { parseJsonBody, tryJsonBody } from '../http/platform-response';
import { numberField, stringField } from '../json-shape';
import type { TwitterOptions } from './twitter.options';

/** Read access to posts, the profile, likes, bookmarks and follows; offline.access for a refresh token. */
export const TWITTER_CONNECT_SCOPES = ['tweet.read', 'users.read', 'like.read', 'bookmark.read', 'follows.read', 'offline.access'] as const;

/**
 * X's OAuth 2.0 endpoints: consent URL (PKCE S256 is mandatory at X), code and refresh grants, revoke.
 * A confidential client authenticates with HTTP Basic; a public one (no secret) names itself with
 * client_id. X answers a used, revoked or rotated-away refresh token with `invalid_request` (sometimes
 * `invalid_grant`): the user must connect again.
 */
export class TwitterOAuth implements OAuthConnectCapability {
  readonly scopes = TWITTER_CONNECT_SCOPES;
  readonly pkce = true;

  constructor(
    private readonly options: TwitterOptions,
    private readonly http: PlatformHttpClient,
  ) {}

  authorizationUrl(request: OAuthAuthorizationRequest): string {
    const clientId = this.clientId('to connect X');
    const url = new URL(this.options.authUrl);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: request.redirectUri,
      scope: this.scopes.join(' '),
      state: request.state,
      ...(request.codeChallenge === undefined ? {} : { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  exchangeCode(exchange: OAuthCodeExchange, signal: AbortSignal): Promise<OAuthTokens> {
    return this.grant(
      'oauth.code',
      {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        ...(exchange.codeVerifier === undefined ? {} : { code_verifier: exchange.codeVerifier }),
      },
      signal,
    );
  }

  /** Every refresh returns a new refresh token and retires the old one; the caller must store it before use. */
  async refresh(tokens: OAuthTokens, signal: AbortSignal): Promise<OAuthTokens> {
    if (!tokens.refreshToken) throw new CredentialsRejectedError('twitter', 'no_refresh_token');
    const renewed = await this.grant('oauth.refresh', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, signal);
    return { ...renewed, refreshToken: renewed.refreshToken ?? tokens.refreshToken, scopes: renewed.scopes ?? tokens.scopes };
  }

  /** Revokes the refresh token (the grant with it) or the access token; one X no longer knows counts as done. */
  async revoke(tokens: OAuthTokens, signal: AbortSignal): Promise<void> {
    const token = tokens.refreshToken ?? tokens.accessToken;
    const response = await this.http.send(
      {
        operation: 'oauth.revoke',
        url: this.options.revokeUrl,
        headers: this.clientHeaders(),
        form: { token, token_type_hint: tokens.refreshToken ? 'refresh_token' : 'access_token', ...this.publicClient() },
      },
      signal,
    );
    if (response.status === 200) return;
    const body = tryJsonBody(response);
    if (response.status === 400 && ['invalid_request', 'invalid_token'].includes(stringField(body, 'error') ?? '')) return;
    throw new PlatformRequestError('twitter', 'oauth.revoke', response.status, stringField(body, 'error'), 'fail');
  }

  private async grant(operation: string, form: Record<string, string>, signal: AbortSignal): Promise<OAuthTokens> {
    this.clientId('to redeem X tokens');
    // Not sendJson: a token request is never repeated just because its answer was unreadable.
    const response = await this.http.send(
      { operation, url: this.options.tokenUrl, headers: this.clientHeaders(), form: { ...form, ...this.publicClient() } },
      signal,
    );
    const body = parseJsonBody(response, 'twitter', operation);
    if (response.status !== 200) {
      const error = stringField(body, 'error');
      const description = stringField(body, 'error_description');
      if (error === 'invalid_grant' || error === 'invalid_request') throw new CredentialsRejectedError('twitter', 'invalid_grant', description);
      if (error === 'invalid_client' || error === 'unauthorized_client' || response.status === 401) {
        throw new ProviderNotConfiguredError('twitter', `X refused this app's OAuth client (${error ?? response.status}); check TWITTER_CLIENT_ID and TWITTER_CLIENT_SECRET`);
      }
      throw new PlatformRequestError('twitter', operation, response.status, error, 'fail', description);
    }
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) throw new MalformedResponseError('twitter', operation, 'no access_token');
    const expiresIn = numberField(body, 'expires_in');
    const scope = stringField(body, 'scope');
    return {
      kind: 'oauth',
      accessToken,
      refreshToken: stringField(body, 'refresh_token'),
      expiresAt: expiresIn === undefined ? undefined : new Date(Date.now() + expiresIn * 1000).toISOString(),
      scopes: scope === undefined ? undefined : scope.split(' ').filter(Boolean),
    };
  }

  private clientId(purpose: string): string {
    if (!this.options.clientId) throw new ProviderNotConfiguredError('twitter', `TWITTER_CLIENT_ID is needed ${purpose}`);
    return this.options.clientId;
  }

  private clientHeaders(): Record<string, string> {
    const { clientId, clientSecret } = this.options;
    if (!clientId || !clientSecret) return {};
    return { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}` };
  }

  private publicClient(): Record<string, string> {
    return this.options.clientSecret || !this.options.clientId ? {} : { client_id: this.options.clientId };
  }
}
