import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorCode } from '@app/contracts';
import type { Request, Response } from 'express';
import { ApiError } from './api-error';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isUnreachableDependency } from './unreachable-dependency';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.INVALID_FORMAT,
  401: ErrorCode.AUTH_REQUIRED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMIT_EXCEEDED,
  502: ErrorCode.BAD_GATEWAY,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** What body-parser (http-errors) attaches to the errors it raises. */
interface MiddlewareError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * The one place an error becomes an answer. Clients get the contract's envelope and code; only
 * errors we raised on purpose carry their message out. Anything unexpected is logged with its stack
 * here and answered as a plain 500, so no stack trace or internal detail ever reaches a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const error = this.toApiError(exception, request);
    if (response.headersSent) {
      // A stream already started (e.g. a download); all that can be done is to cut it.
      response.destroy();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
    response.status(error.getStatus()).json(error.toEnvelope());
  }

  private toApiError(exception: unknown, request: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof ThrottlerException) {
      return new ApiError(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMIT_EXCEEDED, 'Too many requests, slow down');
    }
    if (exception instanceof HttpException) {
      // The Express adapter wraps body-parser's errors; their `type` says what went wrong.
      const parserError = this.fromMiddleware(exception.cause as MiddlewareError);
      if (parserError) return parserError;
      const status = exception.getStatus();
      if (status === 404 && !request.route) {
        return new ApiError(404, ErrorCode.NOT_FOUND, `Cannot ${request.method} ${request.path}`);
      }
      if (status >= 500) this.logger.error(exception);
      return new ApiError(status, CODE_BY_STATUS[status] ?? ErrorCode.INTERNAL_ERROR, messageOf(exception));
    }
    const middlewareError = this.fromMiddleware(exception as MiddlewareError);
    if (middlewareError) return middlewareError;
    if (isUnreachableDependency(exception)) {
      this.logger.warn(`${request.method} ${request.path}: database or queue unreachable: ${(exception as Error).message}`);
      return new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.SERVICE_UNAVAILABLE,
        'The service is briefly unavailable; try again shortly',
        undefined,
        { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
      );
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_ERROR, 'Internal server error');
  }

  private fromMiddleware(error: MiddlewareError | null): ApiError | undefined {
    if (!error || typeof error !== 'object') return undefined;
    switch (error.type) {
      case 'entity.parse.failed':
        return new ApiError(400, ErrorCode.INVALID_FORMAT, 'Malformed JSON in request body');
      case 'entity.too.large':
        return new ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is larger than 1 MB');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new ApiError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported request body encoding');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new ApiError(400, ErrorCode.INVALID_FORMAT, 'Malformed request body');
      default:
        if (error.expose && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
          return new ApiError(error.status, CODE_BY_STATUS[error.status] ?? ErrorCode.INVALID_FORMAT, 'Bad request');
        }
        return undefined;
    }
  }
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
