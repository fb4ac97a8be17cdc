import type { OAuthTokens } from '../adapter/credentials';
import type { OAuthAuthorizationRequest, OAuthCodeExchange, OAuthConnectCapability } from '../adapter/oauth-connect';
import type { GoogleOAuthClient } from '../google/google-oauth.client';

/** Read-only access to the channel, its uploads, playlists, comments and subscriptions: all an export reads. */
export const YOUTUBE_CONNECT_SCOPES = ['https://www.googleapis.com/auth/youtube.readonly'] as const;

/** YouTube's consent screen is Google's: connect through the library's one Google OAuth client. */
export class YouTubeOAuth implements OAuthConnectCapability {
  readonly scopes = YOUTUBE_CONNECT_SCOPES;
  readonly pkce = true;

  constructor(private readonly google: GoogleOAuthClient) {}

  authorizationUrl(request: OAuthAuthorizationRequest): string {
    return this.google.authorizationUrl({
      ...request,
      scopes: this.scopes,
      // offline: Google issues a refresh token only then; consent: and again on every reconnect.
      // include_granted_scopes: a reconnect keeps what the user granted before (incremental authorization).
      extra: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    });
  }

  exchangeCode(exchange: OAuthCodeExchange, signal: AbortSignal): Promise<OAuthTokens> {
    return this.google.exchangeCode(exchange, signal);
  }
}
