import { CallHandler, ExecutionContext, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { SuccessEnvelope } from '@app/contracts';
import { Observable, map } from 'rxjs';
import { ECHOED_FIELDS } from './openapi/api-envelope.decorator';
import { RESPONSE_MESSAGE } from './response-message.decorator';

/** Wraps every JSON answer in `{ success: true, data, message? }` (plus any echoed fields); files and redirects pass through. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const message = this.reflector.getAllAndOverride<string | undefined>(RESPONSE_MESSAGE, targets);
    const echoed = this.reflector.getAllAndOverride<string[] | undefined>(ECHOED_FIELDS, targets) ?? [];
    return next.handle().pipe(
      map((body: unknown) => {
        if (body instanceof StreamableFile) return body;
        const envelope: SuccessEnvelope<unknown> & Record<string, unknown> = { success: true };
        if (body !== undefined) envelope.data = body;
        if (message) envelope.message = message;
        for (const field of echoed) envelope[field] = (body as Record<string, unknown>)[field];
        return envelope;
      }),
    );
  }
}
