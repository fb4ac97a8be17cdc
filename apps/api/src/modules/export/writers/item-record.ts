import type { JsonObject } from '@app/platform-adapters';
import type { SpooledItem } from '../pipeline/spooled-item';

/** An item as its JSON file holds it: the id first, then the adapter's record. */
export const recordOf = (item: SpooledItem): JsonObject => ({ id: item.id, ...item.data });

/**
 * The record as tables and pages show it: without `raw`, the platform's own copy of the object, which
 * stays in JSON only (as columns it would double the table with fields the record already names).
 */
export function displayRecord(item: SpooledItem): JsonObject {
  if (item.display) return item.display;
  const { raw: _raw, ...record } = recordOf(item);
  return record;
}
