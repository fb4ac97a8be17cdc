import type { JsonValue } from '@app/platform-adapters';

/**
 * Nested objects become dotted columns (`snippet.title`); arrays stay whole, as JSON, so a cell
 * never silently loses elements and the column set stays stable across items.
 */
export function flatten(value: JsonValue, prefix = '', out: Map<string, JsonValue> = new Map()): Map<string, JsonValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) out.set(prefix, value);
    for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  out.set(prefix || 'value', value);
  return out;
}
