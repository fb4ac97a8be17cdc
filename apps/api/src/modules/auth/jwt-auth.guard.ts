import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../common/public.decorator';
import { RateLimitGuard } from '../../common/rate-limit/rate-limit.guard';
import { authRequired, invalidToken } from './auth-errors';
import type { AuthenticatedRequest } from './current-user.decorator';
import { Sessions } from './tokens/sessions';

/** A JWT's three base64url segments (the scheme is case-insensitive, RFC 7235); nothing else can be one of ours. */
const BEARER_JWT = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

/**
 * The global guard (APP_GUARD, registered before the rate limit so that limits count per user):
 * every HTTP route needs a valid access token unless it is marked `@Public()`. Only the
 * Authorization header is read; `?access_token=` and cookies are ignored. Sockets authenticate in
 * their handshake instead, so non-HTTP contexts pass through. A request refused here never
 * reaches the rate limit that follows, so it is charged to its client address first: a flood of
 * bad tokens is limited like any other unauthenticated traffic (429 once over the route's limit).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: Sessions,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      await this.rateLimit.canActivate(context);
      throw authRequired();
    }
    const token = BEARER_JWT.exec(header)?.[1];
    const session = token ? await this.sessions.identify(token) : undefined;
    if (!session) {
      await this.rateLimit.canActivate(context);
      throw invalidToken();
    }
    request.user = session.user;
    request.sessionId = session.sessionId;
    return true;
  }
}
