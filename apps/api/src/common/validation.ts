import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidationDetail } from '@app/contracts';
import { invalidFormat } from './api-error';

/** Flattens class-validator's tree into `{ field: 'options.dateRange.start', messages }` rows. */
export function validationDetails(errors: ValidationError[], parent = ''): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) details.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) details.push(...validationDetails(error.children, field));
  }
  return details;
}

/** Unknown fields are refused, not silently dropped: a typo should not pass for a setting. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = validationDetails(errors);
      const summary = details.length > 0 ? details.map((detail) => detail.messages[0]).join('; ') : 'Invalid request';
      return invalidFormat(`Invalid request: ${summary}`, details);
    },
  });
}
