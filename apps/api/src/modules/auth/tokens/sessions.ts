import { Injectable } from '@nestjs/common';
import type { TokenPair } from '../auth-responses.dto';
import type { AuthUser } from '../auth-user.dto';
import { AccessTokens } from './access-tokens';
import { LiveSession, RefreshGrant, RefreshTokens } from './refresh-tokens';
import { SessionCache } from './session-cache';

/**
 * A session is one refresh-token family and the access tokens issued with it: started by a sign-in,
 * renewed by refresh, ended by logout, by refresh-token reuse or when the account links Google.
 * Its id is the family's. Ending one is announced to every instance (SessionEvents).
 */
@Injectable()
export class Sessions {
  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly cache: SessionCache,
  ) {}

  async start(userId: string): Promise<TokenPair> {
    return this.pair(await this.refreshTokens.issue(userId));
  }

  /** The next token pair; undefined when the refresh token may not be exchanged. */
  async refresh(refreshToken: string): Promise<TokenPair | undefined> {
    const grant = await this.refreshTokens.rotate(refreshToken);
    return grant && this.pair(grant);
  }

  end(refreshToken: string): Promise<void> {
    return this.refreshTokens.revokeFamilyOf(refreshToken);
  }

  /** The user an access token stands for, while its session lasts and the account exists. */
  async authenticate(accessToken: string): Promise<AuthUser | undefined> {
    return (await this.identify(accessToken))?.user;
  }

  /** The user and the session an access token stands for, while the session lasts. */
  async identify(accessToken: string): Promise<LiveSession | undefined> {
    const claims = await this.accessTokens.verify(accessToken);
    if (!claims) return undefined;
    const cached = this.cache.get(claims.refreshTokenId, claims.userId);
    if (cached) return cached;
    const generation = this.cache.generation();
    const session = await this.refreshTokens.liveSession(claims.refreshTokenId, claims.userId);
    if (session) this.cache.remember(claims.refreshTokenId, session, generation);
    return session;
  }

  isLive(sessionId: string, userId: string): Promise<boolean> {
    return this.refreshTokens.isLive(sessionId, userId);
  }

  /** Ends every other session of the account, on every instance. */
  endAllBut(userId: string, keptSessionId: string): Promise<number> {
    return this.refreshTokens.revokeAllBut(userId, keptSessionId);
  }

  private pair(grant: RefreshGrant): TokenPair {
    return { token: this.accessTokens.sign(grant.userId, grant.id, grant.issuedAt), refreshToken: grant.refreshToken };
  }
}
