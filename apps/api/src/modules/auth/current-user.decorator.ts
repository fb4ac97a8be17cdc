import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from './auth-user.dto';

/** A request that went through the auth guard. */
export interface AuthenticatedRequest extends Request {
  user?: AuthUser;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId?: string;
}

/** The signed-in user of a protected route (every route not marked `@Public()`). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  // Only reachable through a programming error: @CurrentUser() on a @Public() route.
  if (!user) throw new Error('@CurrentUser() used on a route that does not require authentication');
  return user;
});

/** The id of the signed-in session of a protected route, for what must end when that session ends. */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const sessionId = context.switchToHttp().getRequest<AuthenticatedRequest>().sessionId;
  if (!sessionId) throw new Error('@CurrentSession() used on a route that does not require authentication');
  return sessionId;
});
