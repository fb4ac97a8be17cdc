import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { ApiError } from '../../common/api-error';

/** Another user's export answers exactly like a missing one. */
export const exportNotFound = (): ApiError =>
  new ApiError(HttpStatus.NOT_FOUND, ErrorCode.EXPORT_NOT_FOUND, 'Export job not found');

export const exportNotReady = (status: string): ApiError =>
  new ApiError(HttpStatus.CONFLICT, ErrorCode.EXPORT_NOT_READY, `Export is ${status}; only a completed export can be downloaded`);

export const exportFinished = (status: string): ApiError =>
  new ApiError(HttpStatus.CONFLICT, ErrorCode.EXPORT_ALREADY_FINISHED, `Export is already ${status} and cannot be cancelled`);

export const exportExpired = (): ApiError =>
  new ApiError(HttpStatus.GONE, ErrorCode.EXPORT_EXPIRED, 'The archive of this export has expired and was deleted');

/** How long a client is asked to wait when STORAGE_DIR is too full to take more work. */
const STORAGE_RETRY_AFTER_SECONDS = 300;

export const noRoomFor = (what: 'export' | 'import'): ApiError =>
  new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.STORAGE_FULL, `The server has no room for a new ${what} right now; try again later`, undefined, {
    'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS),
  });

export const tooManyExports = (maxActive: number): ApiError =>
  new ApiError(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.TOO_MANY_EXPORTS, `At most ${maxActive} exports may run at once; wait for one to finish or cancel one`);
