import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import {
  AccountUnavailableError,
  CredentialsRejectedError,
  PlatformError,
  ProviderNotConfiguredError,
  QuotaExceededError,
} from '@app/platform-adapters';
import { ApiError } from '../../common/api-error';

export const platformNotFound = (platform: string): ApiError =>
  new ApiError(HttpStatus.NOT_FOUND, ErrorCode.PLATFORM_NOT_FOUND, `Unknown platform "${platform.slice(0, 40)}"`);

/** What a client is told when a platform call made on its behalf fails. */
export function apiErrorFromPlatform(error: unknown): unknown {
  if (error instanceof CredentialsRejectedError) {
    // A browser session has no reason codes to show; the adapter's own sentence says what to do.
    if (error.reason === 'session_ended') return new ApiError(422, ErrorCode.PLATFORM_TOKEN_REJECTED, `The platform rejected the session: ${error.detail ?? error.reason}`);
    return new ApiError(422, ErrorCode.PLATFORM_TOKEN_REJECTED, `The platform rejected the tokens: ${error.reason}`);
  }
  if (error instanceof AccountUnavailableError) {
    // The tokens work, but the account behind them has nothing to export (a Google account without a
    // YouTube channel, a closed account). Not the platform failing (502): the user must connect another account.
    return new ApiError(422, ErrorCode.PLATFORM_TOKEN_REJECTED, `The platform account cannot be exported: ${error.message}`);
  }
  if (error instanceof ProviderNotConfiguredError) {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.PROVIDER_NOT_CONFIGURED, error.message);
  }
  if (error instanceof QuotaExceededError) {
    return new ApiError(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.QUOTA_EXCEEDED, error.message, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil((error.resetsAt.getTime() - Date.now()) / 1000))),
    });
  }
  if (error instanceof PlatformError) {
    return new ApiError(HttpStatus.BAD_GATEWAY, ErrorCode.BAD_GATEWAY, `The platform could not be reached or answered badly: ${error.message}`);
  }
  return error;
}
