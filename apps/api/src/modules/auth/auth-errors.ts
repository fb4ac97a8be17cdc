import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { ApiError } from '../../common/api-error';

export const authRequired = (): ApiError =>
  new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.AUTH_REQUIRED, 'Authentication required', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

/** One answer for every unusable token, whatever is wrong with it, so it tells an attacker nothing. */
export const invalidToken = (): ApiError =>
  new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_TOKEN, 'Invalid or expired token', undefined, {
    'WWW-Authenticate': 'Bearer error="invalid_token"',
  });

export const invalidCredentials = (): ApiError =>
  new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');

/** OpenAPI row for login: the auth rate limit and the per-account one. */
export const TOO_MANY_LOGIN_ATTEMPTS: [number, string] = [
  429,
  'RATE_LIMIT_EXCEEDED: more than 5 auth requests in 1 s, or more than 5 attempts at this account in 15 min (then one per growing delay, at most 2 min); see Retry-After',
];

/** OpenAPI row for the auth rate limit, shared by every auth route. */
export const TOO_MANY_AUTH_REQUESTS: [number, string] = [
  429,
  'RATE_LIMIT_EXCEEDED: more than 5 auth requests in 1 s; see Retry-After',
];
