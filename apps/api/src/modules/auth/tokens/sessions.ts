import { Injectable } from '@nestjs/common';
import type { TokenPair } from '../auth-responses.dto';
import type { AuthUser } from '../auth-user.dto';
import { AccessTokens } from './access-tokens';
import { RefreshGrant, RefreshTokens } from './refresh-tokens';

/**
 * A session is one refresh-token family and the access tokens issued with it: started by a sign-in,
 * renewed by refresh, ended by logout or by refresh-token reuse.
 */
@Injectable()
export class Sessions {
  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
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
    const claims = await this.accessTokens.verify(accessToken);
    return claims && this.refreshTokens.sessionUser(claims.refreshTokenId, claims.userId);
  }

  private pair(grant: RefreshGrant): TokenPair {
    return { token: this.accessTokens.sign(grant.userId, grant.id, grant.issuedAt), refreshToken: grant.refreshToken };
  }
}
