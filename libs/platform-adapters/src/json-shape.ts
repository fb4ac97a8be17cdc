import type { JsonValue } from './adapter/collection';

/** Small readers for untrusted JSON: platform answers are checked, never cast. */

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  const field = asRecord(value)?.[key];
  return typeof field === 'string' ? field : undefined;
}

/** A number, or a string of digits (Google's tokeninfo sends `exp` and `expires_in` as strings). */
export function numberField(value: unknown, key: string): number | undefined {
  const field = asRecord(value)?.[key];
  if (typeof field === 'number' && Number.isFinite(field)) return field;
  if (typeof field === 'string' && /^\d+$/.test(field)) return Number(field);
  return undefined;
}

export function arrayField(value: unknown, key: string): unknown[] | undefined {
  const field = asRecord(value)?.[key];
  return Array.isArray(field) ? field : undefined;
}

/** A plain JSON copy of a parsed value (the raw block of a record); undefined becomes null. */
export const jsonValue = (value: unknown): JsonValue => (value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue));
