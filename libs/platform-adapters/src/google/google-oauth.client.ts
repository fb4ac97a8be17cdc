import type { OAuthTokens } from '../adapter/credentials';
import type { OAuthAuthorizationRequest, OAuthCodeExchange } from '../adapter/oauth-connect';
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

/** Google's authorization endpoint, when GoogleOAuthOptions.authUrl does not name another. */
export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

/** A consent-screen request: the generic parts plus what the Google product asks for. */
export interface GoogleAuthorizationRequest extends OAuthAuthorizationRequest {
  scopes: readonly string[];
  /** Further query parameters (`access_type`, `prompt`, `include_granted_scopes`). */
  extra?: Record<string, string>;
}

/**
 * Google's OAuth endpoints: the consent-screen URL, the authorization-code and refresh grants,
 * tokeninfo, revoke. Every Google product of this library (YouTube today) speaks to Google's token
 * endpoint through this one class. The 4xx answers are OAuth errors (RFC 6749 §5.2
 * `{error, error_description}`) that each method reads itself, so the client passes them through
 * instead of treating a 401 `invalid_client` as a token to refresh.
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

  /** The consent-screen URL. Both client id and secret are required up front: the code could not be redeemed without the secret. */
  authorizationUrl(request: GoogleAuthorizationRequest): string {
    const { clientId } = this.configuredClient('to connect through Google');
    const url = new URL(this.options.authUrl ?? GOOGLE_AUTH_URL);
    const params: Record<string, string> = {
      client_id: clientId,
      redirect_uri: request.redirectUri,
      response_type: 'code',
      scope: request.scopes.join(' '),
      state: request.state,
      ...(request.codeChallenge === undefined ? {} : { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }),
      ...request.extra,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /**
   * `grant_type=authorization_code`. A code Google refuses (`invalid_grant`: used, expired, wrong
   * verifier; `redirect_uri_mismatch`) is a CredentialsRejectedError: the user starts over.
   */
  async exchangeCode(exchange: OAuthCodeExchange, signal: AbortSignal): Promise<OAuthTokens> {
    const { clientId, clientSecret } = this.configuredClient('to redeem a Google authorization code');
    const operation = 'oauth.code';
    const response = await this.http.send(
      {
        operation,
        url: this.options.tokenUrl,
        form: {
          grant_type: 'authorization_code',
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
          client_id: clientId,
          client_secret: clientSecret,
          ...(exchange.codeVerifier === undefined ? {} : { code_verifier: exchange.codeVerifier }),
        },
      },
      signal,
    );
    const body = parseJsonBody(response, this.platform, operation);
    // RFC 6749 §5.2 counts a code whose redirect URI does not match as `invalid_grant`; Google names it apart.
    if (response.status !== 200 && stringField(body, 'error') === 'redirect_uri_mismatch') {
      throw new CredentialsRejectedError(this.platform, 'invalid_grant', 'redirect_uri_mismatch');
    }
    if (response.status !== 200) throw this.oauthError(operation, response, body);
    return this.tokensFrom(body, operation);
  }

  /**
   * `grant_type=refresh_token`. Google usually answers without a new refresh token; the stored one is then
   * kept. `invalid_grant` (revoked, expired, unused for six months, 7-day testing-mode expiry) means the
   * user must reconnect.
   */
  async refresh(tokens: OAuthTokens, signal: AbortSignal): Promise<OAuthTokens> {
    const { clientId, clientSecret } = this.configuredClient('to refresh Google tokens');
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
    const renewed = this.tokensFrom(body, operation);
    return { ...renewed, refreshToken: renewed.refreshToken ?? tokens.refreshToken, scopes: renewed.scopes ?? tokens.scopes };
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

  private configuredClient(purpose: string): { clientId: string; clientSecret: string } {
    const { clientId, clientSecret } = this.options;
    if (!clientId || !clientSecret) {
      throw new ProviderNotConfiguredError(this.platform, `GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are needed ${purpose}`);
    }
    return { clientId, clientSecret };
  }

  /** A token endpoint answer (RFC 6749 §5.1) as stored tokens; what Google left out stays undefined. */
  private tokensFrom(body: unknown, operation: string): OAuthTokens {
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) throw new MalformedResponseError(this.platform, operation, 'no access_token');
    const expiresIn = numberField(body, 'expires_in');
    const scope = stringField(body, 'scope');
    return {
      kind: 'oauth',
      accessToken,
      refreshToken: stringField(body, 'refresh_token'),
      expiresAt: expiresIn === undefined ? undefined : new Date(this.clock.now() + expiresIn * 1000).toISOString(),
      scopes: scope === undefined ? undefined : scope.split(' ').filter(Boolean),
    };
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
