/**
 * What a connection authenticates with, one kind per AuthType of the catalogue (`oauth`, `cookies`,
 * `archive`). Plain JSON, so the vault seals any kind the same way (encrypted, bound to its connection,
 * never returned by a route); `kind` tells them apart, and an adapter refuses a kind it does not take
 * with CredentialsRejectedError `wrong_kind`.
 */
export type PlatformCredentials = OAuthTokens | SessionCookies | UploadedArchive;

export type CredentialsKind = PlatformCredentials['kind'];

/** OAuth 2.0 tokens of one connection (YouTube, Facebook, X). */
export interface OAuthTokens {
  kind: 'oauth';
  accessToken: string;
  /** Absent when the grant gave none (Facebook has no refresh grant; X only with `offline.access`). */
  refreshToken?: string;
  /** ISO 8601; absent when unknown (tokens pasted into the connect endpoint). */
  expiresAt?: string;
  scopes?: string[];
}

/** One cookie of a browser session, with what a browser needs to send it back to the right site. */
export interface SessionCookie {
  name: string;
  value: string;
  /** `.instagram.com`; absent means the platform's own host. */
  domain?: string;
  path?: string;
  /** ISO 8601; absent for a session cookie. */
  expiresAt?: string;
  secure?: boolean;
  httpOnly?: boolean;
}

/**
 * A logged-in browser session the user copied from their browser (Instagram has no API for personal
 * accounts). The adapter saves the cookies the site refreshes back through the CredentialStore.
 */
export interface SessionCookies {
  kind: 'cookies';
  cookies: SessionCookie[];
  /** The browser the session was made in, when known: some sites tie a session to it. */
  userAgent?: string;
}

/**
 * A data archive the user uploaded for an import (X archive, Facebook or Instagram "Download Your
 * Information", Google Takeout). It names the stored upload, never a path the client chose: the app
 * resolves `uploadId` inside its own storage, and the digest proves the file is the one uploaded.
 */
export interface UploadedArchive {
  kind: 'archive';
  uploadId: string;
  /** The name the user's file had, for the manifest only. */
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  /** ISO 8601. */
  uploadedAt: string;
}

/** When the credentials stop working, when that is known: an access token's or the session cookie's expiry. */
export function credentialsExpiry(credentials: PlatformCredentials): Date | undefined {
  switch (credentials.kind) {
    case 'oauth':
      return credentials.expiresAt ? new Date(credentials.expiresAt) : undefined;
    case 'cookies': {
      const times = credentials.cookies.flatMap((cookie) => (cookie.expiresAt ? [Date.parse(cookie.expiresAt)] : []));
      return times.length > 0 ? new Date(Math.min(...times)) : undefined;
    }
    case 'archive':
      return undefined;
  }
}

/**
 * Checks that opened vault contents are credentials of a known kind, so a value that decrypts to
 * something else is refused instead of reaching an adapter half-formed. Throws with a message that
 * names the problem, never the values.
 */
export function parseStoredCredentials(json: string): PlatformCredentials {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null) throw new Error('stored credentials are not an object');
  const record = value as Record<string, unknown>;
  const ok = (() => {
    switch (record.kind) {
      case 'oauth':
        return typeof record.accessToken === 'string';
      case 'cookies':
        return (
          Array.isArray(record.cookies) &&
          record.cookies.every((cookie: unknown) => {
            const entry = cookie as Record<string, unknown> | null;
            return typeof entry?.name === 'string' && typeof entry.value === 'string';
          })
        );
      case 'archive':
        return typeof record.uploadId === 'string' && typeof record.sha256 === 'string';
      default:
        return false;
    }
  })();
  if (!ok) throw new Error(`stored credentials of kind "${String(record.kind)}" are malformed`);
  return value as PlatformCredentials;
}

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
