import { randomBytes } from 'node:crypto';

/**
 * Authorization codes, grants and tokens. A grant is one consent of one account to one client; it owns
 * at most one refresh token, and revoking any of its tokens revokes the whole grant, as Google does.
 */
export interface Grant {
  id: number;
  accountKey: string;
  clientId: string;
  scopes: string[];
  refreshToken: string | null;
  refreshExpiresAt: number | null;
  revoked: boolean;
}

export interface AccessTokenRecord {
  token: string;
  grant: Grant;
  issuedAt: number;
  expiresAt: number;
  /** API calls this token may still make before it is treated as expired (null: no limit). */
  callsLeft: number | null;
}

export interface AuthCodeRecord {
  code: string;
  clientId: string;
  accountKey: string;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  /** prompt=consent re-issues a refresh token even when the account already granted one. */
  forceConsent: boolean;
  challenge: string | null;
  challengeMethod: 'S256' | 'plain' | null;
  nonce: string | null;
  expiresAt: number;
  redeemed: boolean;
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

export const CODE_TTL_MS = 10 * 60 * 1000;

export class TokenStore {
  private readonly codes = new Map<string, AuthCodeRecord>();
  private readonly access = new Map<string, AccessTokenRecord>();
  private readonly refresh = new Map<string, Grant>();
  private readonly grants: Grant[] = [];
  private nextGrantId = 1;
  /** Access tokens issued from now on get this many calls (per account key, '*' for all). */
  private readonly callLimits = new Map<string, number>();

  issueCode(record: Omit<AuthCodeRecord, 'code' | 'redeemed'>): string {
    const code = `4/0A${random(54)}`;
    this.codes.set(code, { ...record, code, redeemed: false });
    return code;
  }

  code(code: string): AuthCodeRecord | undefined {
    return this.codes.get(code);
  }

  /** The live grant holding a refresh token for this account and client, if any. */
  liveOfflineGrant(accountKey: string, clientId: string, now: number): Grant | undefined {
    return [...this.grants]
      .reverse()
      .find(
        (g) =>
          g.accountKey === accountKey &&
          g.clientId === clientId &&
          g.refreshToken !== null &&
          !g.revoked &&
          (g.refreshExpiresAt === null || g.refreshExpiresAt > now),
      );
  }

  /** Scopes this account already granted this client (include_granted_scopes, prompt=none). */
  grantedScopes(accountKey: string, clientId: string): string[] {
    const scopes = new Set<string>();
    for (const g of this.grants) {
      if (g.accountKey === accountKey && g.clientId === clientId && !g.revoked) g.scopes.forEach((s) => scopes.add(s));
    }
    return [...scopes];
  }

  createGrant(accountKey: string, clientId: string, scopes: string[], withRefresh: boolean, refreshExpiresAt: number | null): Grant {
    const grant: Grant = {
      id: this.nextGrantId++,
      accountKey,
      clientId,
      scopes,
      refreshToken: withRefresh ? `1//0${random(72)}` : null,
      refreshExpiresAt: withRefresh ? refreshExpiresAt : null,
      revoked: false,
    };
    this.grants.push(grant);
    if (grant.refreshToken) this.refresh.set(grant.refreshToken, grant);
    return grant;
  }

  /** Replaces a grant's refresh token (only when a client is configured to rotate them). */
  rotateRefresh(grant: Grant): string {
    if (grant.refreshToken) this.refresh.delete(grant.refreshToken);
    grant.refreshToken = `1//0${random(72)}`;
    this.refresh.set(grant.refreshToken, grant);
    return grant.refreshToken;
  }

  mintAccess(grant: Grant, now: number, ttlSeconds: number): AccessTokenRecord {
    const limit = this.callLimits.get(grant.accountKey) ?? this.callLimits.get('*');
    const record: AccessTokenRecord = {
      token: `ya29.a0${random(120)}`,
      grant,
      issuedAt: now,
      expiresAt: now + ttlSeconds * 1000,
      callsLeft: limit ?? null,
    };
    this.access.set(record.token, record);
    return record;
  }

  /** Looks a token up without using it, e.g. to attribute a request before faults apply. */
  peekAccess(token: string): AccessTokenRecord | undefined {
    return this.access.get(token);
  }

  isAccessValid(record: AccessTokenRecord, now: number): boolean {
    return !record.grant.revoked && record.expiresAt > now && record.callsLeft !== 0;
  }

  /** Validates an access token for one API call and counts the call. */
  useAccess(token: string, now: number): AccessTokenRecord | null {
    const record = this.access.get(token);
    if (!record || !this.isAccessValid(record, now)) return null;
    if (record.callsLeft !== null) record.callsLeft--;
    return record;
  }

  refreshGrant(token: string): Grant | undefined {
    return this.refresh.get(token);
  }

  /** Revokes the grant behind an access or refresh token; false when the token is unknown or dead. */
  revoke(token: string, now: number): boolean {
    const grant = this.refresh.get(token) ?? this.access.get(token)?.grant;
    if (!grant || grant.revoked) return false;
    const accessRecord = this.access.get(token);
    if (accessRecord && accessRecord.expiresAt <= now) return false;
    grant.revoked = true;
    return true;
  }

  /** Every grant of an account (optionally of one client) dies: refresh then answers invalid_grant. */
  revokeAll(accountKey?: string, clientId?: string): number {
    let count = 0;
    for (const g of this.grants) {
      if ((accountKey === undefined || g.accountKey === accountKey) && (clientId === undefined || g.clientId === clientId) && !g.revoked) {
        g.revoked = true;
        count++;
      }
    }
    return count;
  }

  /**
   * Live access tokens (of one account, or all) stop working after `afterCalls` more API calls;
   * `forFutureTokens` also applies the limit to tokens issued later.
   */
  limitCalls(afterCalls: number, accountKey?: string, forFutureTokens = false): number {
    let count = 0;
    for (const record of this.access.values()) {
      if (accountKey === undefined || record.grant.accountKey === accountKey) {
        record.callsLeft = afterCalls;
        count++;
      }
    }
    if (forFutureTokens) this.callLimits.set(accountKey ?? '*', afterCalls);
    return count;
  }

  clearCallLimits(): void {
    this.callLimits.clear();
  }

  /** Forgets everything of one account (when it is deleted or recreated). */
  forgetAccount(accountKey: string): void {
    this.revokeAll(accountKey);
    for (const [code, record] of this.codes) if (record.accountKey === accountKey) this.codes.delete(code);
  }

  clear(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.grants.length = 0;
    this.callLimits.clear();
  }

  stats(): { codes: number; accessTokens: number; grants: number; liveGrants: number } {
    return {
      codes: this.codes.size,
      accessTokens: this.access.size,
      grants: this.grants.length,
      liveGrants: this.grants.filter((g) => !g.revoked).length,
    };
  }
}
