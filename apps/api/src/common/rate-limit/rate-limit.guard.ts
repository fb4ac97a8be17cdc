import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCode } from '@app/contracts';
import type { Request } from 'express';
import { ApiError } from '../api-error';

/** What the auth guard leaves on an authenticated request. */
interface MaybeAuthenticatedRequest extends Request {
  user?: { id: string };
}

/**
 * Counts by user when the request is authenticated (the auth guard runs first), else by client
 * address; `req.ip` honours forwarded headers only when TRUST_PROXY is set. One counter per tier and
 * client across all routes of that tier, so spreading requests over routes does not multiply a limit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as MaybeAuthenticatedRequest;
    return request.user?.id ? `user:${request.user.id}` : `ip:${request.ip ?? request.socket.remoteAddress ?? ''}`;
  }

  protected override generateKey(_context: ExecutionContext, suffix: string, name: string): string {
    return `${name}:${suffix}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      ErrorCode.RATE_LIMIT_EXCEEDED,
      `Too many requests; retry after ${retryAfter} s`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  }
}
