import { SetMetadata, Type, applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode } from '@app/contracts';

class ValidationDetailDto {
  /** Dotted path of the offending field, e.g. `options.dateRange.start`. */
  @ApiProperty() field: string;
  @ApiProperty({ type: [String] }) messages: string[];
}

/** The error envelope, as every failed request answers. */
export class ErrorEnvelopeDto {
  @ApiProperty({ enum: [false] }) success: false;
  @ApiProperty({ description: 'Human-readable message' }) error: string;
  @ApiProperty({ enum: Object.values(ErrorCode) }) code: ErrorCode;
  @ApiPropertyOptional({ type: [ValidationDetailDto] }) details?: ValidationDetailDto[];
}

interface EnvelopeOptions {
  status?: number;
  description?: string;
  isArray?: boolean;
  /** Fields of `data` the envelope repeats at its top level (see ECHOED_FIELDS). */
  echo?: string[];
  /** `data` is sent only sometimes (the connect answer carries warnings on some platforms only). */
  optionalData?: boolean;
}

/**
 * The spec's own client example reads `const { token } = await loginResponse.json()` and
 * `const { jobId } = await exportResponse.json()`, beside response examples that nest both under
 * `data`. Answers that carry such a field repeat it at the top level, so that code works unchanged and
 * clients that read `data` see no difference.
 */
export const ECHOED_FIELDS = 'star-export:echoed-fields';

/**
 * Documents a success answer as the envelope `{ success: true, data, message? }` around `model`, so
 * generated clients see the real shape. Without a model the answer carries only a message.
 */
export function ApiEnvelope(model: Type<unknown> | null, options: EnvelopeOptions = {}): MethodDecorator {
  const properties: Record<string, object> = {
    success: { type: 'boolean', enum: [true] },
    message: { type: 'string' },
  };
  if (model) {
    const ref = { $ref: getSchemaPath(model) };
    properties.data = options.isArray ? { type: 'array', items: ref } : ref;
  }
  const echo = options.echo ?? [];
  for (const field of echo) properties[field] = { type: 'string', description: `The same as \`data.${field}\`` };
  return applyDecorators(
    ...(echo.length > 0 ? [SetMetadata(ECHOED_FIELDS, echo)] : []),
    ...(model ? [ApiExtraModels(model)] : []),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'Success',
      schema: { type: 'object', required: model && !options.optionalData ? ['success', 'data', ...echo] : ['success', ...echo], properties },
    }),
  );
}

/** Documents error answers with the error envelope, one status each. */
export function ApiErrors(...responses: [status: number, description: string][]): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto),
    ...responses.map(([status, description]) =>
      ApiResponse({ status, description, schema: { $ref: getSchemaPath(ErrorEnvelopeDto) } }),
    ),
  );
}
