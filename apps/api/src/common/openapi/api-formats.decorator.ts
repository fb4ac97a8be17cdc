import { ApiProperty } from '@nestjs/swagger';
import { PLATFORM_NAMES } from '@app/contracts';

/**
 * Formats the Swagger plugin cannot infer from a TypeScript type: generated clients turn `date-time`
 * into dates, `uuid` into validated ids and `integer` into whole numbers. `nullable` is explicit because
 * a property that is `null` until something happens must not look required-and-present to a client.
 */
interface FormatOptions {
  nullable?: boolean;
  description?: string;
}

export const ApiDateTime = (options: FormatOptions = {}): PropertyDecorator =>
  ApiProperty({ type: String, format: 'date-time', ...options });

export const ApiUuid = (options: FormatOptions = {}): PropertyDecorator =>
  ApiProperty({ type: String, format: 'uuid', ...options });

export const ApiInteger = (options: FormatOptions & { minimum?: number; maximum?: number } = {}): PropertyDecorator =>
  ApiProperty({ type: 'integer', ...options });

/** A platform name; the enum is the build's platform list, so it grows with the adapters. */
export const ApiPlatform = (options: FormatOptions = {}): PropertyDecorator =>
  ApiProperty({ type: String, enum: [...PLATFORM_NAMES], enumName: 'PlatformName', ...options });
