import type { SettingsReader } from '../settings/settings-reader';

/** Google's OAuth endpoints and the client that talks to them, for the platforms Google signs in (YouTube). */
export interface GoogleOAuthOptions {
  /** Without it and the secret, YouTube tokens can be neither refreshed nor checked for their audience. */
  clientId?: string;
  clientSecret?: string;
  /** GOOGLE_AUTH_URL: the consent screen of OAuth connect. Default https://accounts.google.com/o/oauth2/v2/auth. */
  authUrl?: string;
  /** GOOGLE_TOKEN_URL: authorization-code and refresh grants. */
  tokenUrl: string;
  /** GOOGLE_REVOKE_URL: used on disconnect. */
  revokeUrl: string;
  /**
   * Google's tokeninfo endpoint. Defaults to `tokeninfo` next to tokenUrl (https://oauth2.googleapis.com/tokeninfo
   * for the real one), so a sandbox that stands in for the token endpoint stands in for this one too.
   */
  tokenInfoUrl?: string;
}

/** GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET (together), GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL, GOOGLE_REVOKE_URL. */
export function readGoogleOAuthOptions(read: SettingsReader): GoogleOAuthOptions {
  read.together('GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET');
  return {
    clientId: read.string('GOOGLE_CLIENT_ID'),
    clientSecret: read.string('GOOGLE_CLIENT_SECRET'),
    authUrl: read.url('GOOGLE_AUTH_URL'),
    tokenUrl: read.url('GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
    revokeUrl: read.url('GOOGLE_REVOKE_URL', 'https://oauth2.googleapis.com/revoke'),
  };
}
