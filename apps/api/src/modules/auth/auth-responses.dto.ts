import { ApiDateTime } from '../../common/openapi/api-formats.decorator';
import { AuthUser } from './auth-user.dto';

export class TokenPair {
  /** Access token (JWT, HS256) for `Authorization: Bearer <token>`; lives JWT_ACCESS_TTL (15 minutes by default). */
  token: string;
  /** Opaque, single-use refresh token: exchange it at POST /api/auth/refresh for a new pair. */
  refreshToken: string;
}

/** A signed-in account and its first token pair. */
export class AuthSession extends TokenPair {
  user: AuthUser;
}

export class UserProfile extends AuthUser {
  @ApiDateTime({ description: 'When the account was created.' }) createdAt: Date;
  /** Names of the platforms this account has connected, e.g. `youtube`. */
  platforms: string[];
}
