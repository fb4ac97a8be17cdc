import type { OAuthTokens } from '../adapter/credentials';
import {
  CredentialsRejectedError,
  MalformedResponseError,
  PlatformRequestError,
  ProviderNotConfiguredError,
} from '../errors';
import type { Clock } from '../http/http-policy';
import type { PlatformHttpClient } from '../http/platform-http-client';
import type { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { parseJsonBody, tryJsonBody, type PlatformResponse, type ResponseVerdict } from '../http/platform-response';
import { numberField, stringField } from '../json-shape';
import type { GoogleOAuthOptions } from './google-oauth.options';

/** What Google's tokeninfo says about an access token. */
export interface GoogleTokenInfo {
  /** The OAuth client the token was issued to (`aud`). */
  audience?: string;
  /** The client that asked for it (`azp`); same project, possibly another client. */
  authorizedParty?: string;
  scopes: string[];
  expiresAt?: Date;
}

/**
 * Google's OAuth endpoints: refresh grant, tokeninfo, revoke. Their 4xx answers are OAuth errors
 * (RFC 6749 §5.2 `{error, error_description}`) that each method reads itself, so the client passes them
 * through instead of treating a 401 `invalid_client` as a token to refresh.
 */
export class GoogleOAuthClient {
  private readonly http: PlatformHttpClient;
  private readonly tokenInfoUrl: string;

  constructor(
    private readonly platform: string,
    private readonly options: GoogleOAuthOptions,
    clients: PlatformHttpClientFactory,
    private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() },
  ) {
    this.tokenInfoUrl = options.tokenInfoUrl ?? new URL('tokeninfo', options.tokenUrl).toString();
    this.http = clients.create({
      platform,
      baseUrl: options.tokenUrl,
      extraUrls: [options.revokeUrl, this.tokenInfoUrl],
      classify: passOAuthErrorsThrough,
    });
  }

  get clientId(): string | undefined {
    return this.options.clientId;
  }

  /**
   * `grant_type=refresh_token`. Google usually answers without a new refresh token; the stored one is then
   * kept. `invalid_grant` (revoked, expired, unused for six months, 7-day testing-mode expiry) means the
   * user must reconnect.
   */
  async refresh(tokens: OAuthTokens, signal: AbortSignal): Promise<OAuthTokens> {
    const { clientId, clientSecret } = this.options;
    if (!clientId || !clientSecret) {
      throw new ProviderNotConfiguredError(
        this.platform,
        'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are needed to refresh Google tokens',
      );
    }
    if (!tokens.refreshToken) throw new CredentialsRejectedError(this.platform, 'no_refresh_token');
    const operation = 'oauth.refresh';
    // Not sendJson: a refresh is not repeated just because its answer was unreadable.
    const response = await this.http.send(
      {
        operation,
        url: this.options.tokenUrl,
        form: {
          grant_type: 'refresh_token',
          refresh_token: tokens.refreshToken,
          client_id: clientId,
          client_secret: clientSecret,
        },
      },
      signal,
    );
    const body = parseJsonBody(response, this.platform, operation);
    // Google answers a refresh token issued to another OAuth client with `unauthorized_client`: the
    // token is not ours to use (pasted from another app, or GOOGLE_CLIENT_ID changed since), so the
    // user must connect again; it says nothing wrong about this app's client (that is invalid_client).
    if (response.status !== 200 && stringField(body, 'error') === 'unauthorized_client') {
      throw new CredentialsRejectedError(this.platform, 'foreign_client', 'the refresh token was issued to another OAuth client');
    }
    if (response.status !== 200) throw this.oauthError(operation, response, body);
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) throw new MalformedResponseError(this.platform, operation, 'no access_token');
    const expiresIn = numberField(body, 'expires_in');
    const scope = stringField(body, 'scope');
    return {
      kind: 'oauth',
      accessToken,
      refreshToken: stringField(body, 'refresh_token') ?? tokens.refreshToken,
      expiresAt: expiresIn === undefined ? undefined : new Date(this.clock.now() + expiresIn * 1000).toISOString(),
      scopes: scope === undefined ? tokens.scopes : scope.split(' ').filter(Boolean),
    };
  }

  /**
   * Google's own account of an access token: its audience, scopes and expiry. Undefined when Google
   * does not recognise the token (expired or revoked: `invalid_token`).
   */
  async tokenInfo(accessToken: string, signal: AbortSignal): Promise<GoogleTokenInfo | undefined> {
    const operation = 'oauth.tokeninfo';
    const response = await this.http.send(
      { operation, url: this.tokenInfoUrl, query: { access_token: accessToken } },
      signal,
    );
    const body = parseJsonBody(response, this.platform, operation);
    if (response.status === 400 || response.status === 401) return undefined;
    if (response.status !== 200) throw this.oauthError(operation, response, body);
    const exp = numberField(body, 'exp');
    const expiresIn = numberField(body, 'expires_in');
    let expiresAt: Date | undefined;
    if (exp !== undefined) expiresAt = new Date(exp * 1000);
    else if (expiresIn !== undefined) expiresAt = new Date(this.clock.now() + expiresIn * 1000);
    return {
      audience: stringField(body, 'aud'),
      authorizedParty: stringField(body, 'azp'),
      scopes: (stringField(body, 'scope') ?? '').split(' ').filter(Boolean),
      expiresAt,
    };
  }

  /** Revokes a token (a refresh token revokes the whole grant). Already invalid counts as done. */
  async revoke(token: string, signal: AbortSignal): Promise<void> {
    const operation = 'oauth.revoke';
    const response = await this.http.send({ operation, url: this.options.revokeUrl, form: { token } }, signal);
    if (response.status === 200) return;
    const body = tryJsonBody(response);
    if (response.status === 400 && stringField(body, 'error') === 'invalid_token') return;
    throw this.oauthError(operation, response, body);
  }

  private oauthError(operation: string, response: PlatformResponse, body: unknown): Error {
    const error = stringField(body, 'error');
    const description = stringField(body, 'error_description');
    if (error === 'invalid_grant') return new CredentialsRejectedError(this.platform, 'invalid_grant', description);
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      return new ProviderNotConfiguredError(
        this.platform,
        `Google refused this app's OAuth client (${error}); check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET`,
      );
    }
    return new PlatformRequestError(this.platform, operation, response.status, error, 'fail', description);
  }
}

/** 4xx answers other than 408/429 are OAuth errors for the caller to read; everything else as usual. */
function passOAuthErrorsThrough(response: PlatformResponse): ResponseVerdict | undefined {
  const { status } = response;
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? { kind: 'ok' } : undefined;
}
