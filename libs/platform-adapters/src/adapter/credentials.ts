/** OAuth 2.0 tokens of one connection. Plain data, so the token vault can encrypt it as JSON. */
export interface OAuthTokens {
  kind: 'oauth';
  accessToken: string;
  /** Absent when the grant gave none (Facebook has no refresh grant; X only with `offline.access`). */
  refreshToken?: string;
  /** ISO 8601; absent when unknown (tokens pasted into the connect endpoint). */
  expiresAt?: string;
  scopes?: string[];
}

/** A browser session (Instagram): cookie name → value. */
export interface SessionCookies {
  kind: 'cookies';
  cookies: Record<string, string>;
}

export type PlatformCredentials = OAuthTokens | SessionCookies;

/**
 * Where a connection's credentials live. apps/api backs it with the encrypted token vault; a connect
 * request that has no row yet uses InMemoryCredentialStore and stores what it holds afterwards.
 */
export interface CredentialStore {
  /** The current credentials, read fresh: another call may have refreshed them since. */
  load(): Promise<PlatformCredentials>;
  /**
   * Persists refreshed credentials. It must resolve only once they are durable: a rotated refresh token
   * that is used before it is saved is lost for good if the process dies in between.
   */
  save(credentials: PlatformCredentials): Promise<void>;
}

/** A CredentialStore held in memory, for connect flows (no row yet) and tests. */
export class InMemoryCredentialStore implements CredentialStore {
  constructor(private current: PlatformCredentials) {}

  async load(): Promise<PlatformCredentials> {
    return this.current;
  }

  async save(credentials: PlatformCredentials): Promise<void> {
    this.current = credentials;
  }

  /** What the store holds now, for the caller to persist once the connection row exists. */
  get value(): PlatformCredentials {
    return this.current;
  }
}
