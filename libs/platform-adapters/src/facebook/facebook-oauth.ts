import type { OAuthTokens } from '../adapter/credentials';
import type { OAuthAuthorizationRequest, OAuthCodeExchange, OAuthConnectCapability } from '../adapter/oauth-connect';
import { MalformedResponseError, ProviderNotConfiguredError } from '../errors';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { numberField, stringField } from '../json-shape';
import { FACEBOOK_PERMISSIONS } from './facebook.descriptor';
import type { FacebookOptions } from './facebook.options';

/**
 * Facebook Login's server-side flow (the login dialog, then /oauth/access_token), and the exchange of a
 * user token for a long-lived one (`grant_type=fb_exchange_token`, about 60 days). There is no refresh
 * grant: a connection is renewed by logging in again.
 */
export class FacebookLogin implements OAuthConnectCapability {
  readonly scopes = FACEBOOK_PERMISSIONS;
  /** Meta's manual login flow takes code_challenge (S256) and code_verifier. */
  readonly pkce = true;

  constructor(
    private readonly options: FacebookOptions,
    private readonly client: PlatformHttpClient,
  ) {}

  get configured(): boolean {
    return Boolean(this.options.appId && this.options.appSecret);
  }

  private app(): { id: string; secret: string } {
    const { appId, appSecret } = this.options;
    if (!appId || !appSecret) throw new ProviderNotConfiguredError('facebook', 'FACEBOOK_APP_ID and FACEBOOK_APP_SECRET are needed to connect Facebook');
    return { id: appId, secret: appSecret };
  }

  authorizationUrl(request: OAuthAuthorizationRequest): string {
    const url = new URL(this.options.dialogUrl);
    url.searchParams.set('client_id', this.app().id);
    url.searchParams.set('redirect_uri', request.redirectUri);
    url.searchParams.set('state', request.state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', this.scopes.join(','));
    if (request.codeChallenge) {
      url.searchParams.set('code_challenge', request.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.toString();
  }

  /** The code for a short-lived token, at once exchanged for a long-lived one. */
  async exchangeCode(exchange: OAuthCodeExchange, signal: AbortSignal): Promise<OAuthTokens> {
    const app = this.app();
    const short = await this.tokenCall(
      'oauth.code',
      {
        client_id: app.id,
        client_secret: app.secret,
        redirect_uri: exchange.redirectUri,
        code: exchange.code,
        ...(exchange.codeVerifier ? { code_verifier: exchange.codeVerifier } : {}),
      },
      signal,
    );
    return this.longLived(short.accessToken, signal);
  }

  /** A long-lived token for a user token of this app; Meta refuses tokens of other apps (CredentialsRejectedError). */
  longLived(accessToken: string, signal: AbortSignal): Promise<OAuthTokens> {
    const app = this.app();
    return this.tokenCall(
      'oauth.exchange',
      { grant_type: 'fb_exchange_token', client_id: app.id, client_secret: app.secret, fb_exchange_token: accessToken },
      signal,
    );
  }

  private async tokenCall(operation: string, query: Record<string, string>, signal: AbortSignal): Promise<OAuthTokens> {
    const body = await this.client.sendJson({ operation, url: 'oauth/access_token', query }, signal);
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) throw new MalformedResponseError('facebook', operation, 'the answer has no access_token');
    const expiresIn = numberField(body, 'expires_in');
    return {
      kind: 'oauth',
      accessToken,
      ...(expiresIn !== undefined && expiresIn > 0 ? { expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() } : {}),
    };
  }
}
