import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';

/** RFC 9068 `typ`: keeps any other JWT signed with the same secret from passing for an access token. */
const ACCESS_TOKEN_TYPE = 'at+jwt';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AccessTokenClaims {
  userId: string;
  /** The refresh token issued with this access token; revoking its family ends both. */
  refreshTokenId: string;
}

interface DecodedJwt {
  header: { typ?: unknown };
  payload: { sub?: unknown; jti?: unknown; exp?: unknown } | string;
}

/**
 * Signs and checks access tokens. Algorithm (HS256 only), issuer, audience and a 5 s clock
 * tolerance are pinned in the JwtModule registration (auth.module.ts); jsonwebtoken ignores `kid`,
 * `jku` and `x5u` when handed a secret, so those headers cannot pick another key.
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * A pure function of its arguments (`iat` is the refresh token's issue time), so the refresh grace
   * period can hand out the very same pair a second time.
   */
  sign(userId: string, refreshTokenId: string, issuedAt: Date): string {
    return this.jwt.sign(
      { sub: userId, jti: refreshTokenId, iat: Math.floor(issuedAt.getTime() / 1000) },
      { expiresIn: this.config.jwt.accessTtlSeconds, header: { alg: 'HS256', typ: ACCESS_TOKEN_TYPE } },
    );
  }

  /** The claims of a valid access token; undefined for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    let decoded: DecodedJwt;
    try {
      decoded = await this.jwt.verifyAsync<DecodedJwt>(token, { complete: true });
    } catch {
      return undefined;
    }
    const { header, payload } = decoded;
    if (header.typ !== ACCESS_TOKEN_TYPE || typeof payload !== 'object') return undefined;
    // jsonwebtoken accepts a token without `exp`; ours always have one.
    if (typeof payload.exp !== 'number') return undefined;
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return undefined;
    if (typeof payload.jti !== 'string' || !UUID.test(payload.jti)) return undefined;
    return { userId: payload.sub, refreshTokenId: payload.jti };
  }
}
