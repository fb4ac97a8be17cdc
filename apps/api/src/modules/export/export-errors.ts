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
