import { CallHandler, ExecutionContext, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { SuccessEnvelope } from '@app/contracts';
import { Observable, map } from 'rxjs';
import { RESPONSE_MESSAGE } from './response-message.decorator';

/** Wraps every JSON answer in `{ success: true, data, message? }`; files and redirects pass through. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const message = this.reflector.getAllAndOverride<string | undefined>(RESPONSE_MESSAGE, [
      context.getHandler(),
      context.getClass(),
    ]);
    return next.handle().pipe(
      map((body: unknown) => {
        if (body instanceof StreamableFile) return body;
        const envelope: SuccessEnvelope<unknown> = { success: true };
        if (body !== undefined) envelope.data = body;
        if (message) envelope.message = message;
        return envelope;
      }),
    );
  }
}
