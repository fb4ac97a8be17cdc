import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode, ErrorEnvelope, ValidationDetail } from '@app/contracts';

/** An error the client is meant to see: status, one of the contract's codes, and a human message. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ValidationDetail[],
    /** Extra headers the answer needs, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message, status);
  }

  toEnvelope(): ErrorEnvelope {
    const envelope: ErrorEnvelope = { success: false, error: this.message, code: this.code };
    if (this.details) envelope.details = this.details;
    return envelope;
  }
}

export const invalidFormat = (message: string, details?: ValidationDetail[]): ApiError =>
  new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_FORMAT, message, details);
