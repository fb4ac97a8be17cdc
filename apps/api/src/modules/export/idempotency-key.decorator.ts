import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The optional `Idempotency-Key` request header. A custom parameter decorator rather than
 * `@Headers('idempotency-key')`, which the OpenAPI generator would publish as a second, required
 * header beside the documented optional one, and generated clients could not start an export
 * without it.
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<Request>().header('idempotency-key'),
);
