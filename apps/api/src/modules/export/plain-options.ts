/**
 * Options as used and stored: plain JSON, only what the client set. Validation lets `null` through as
 * "not set" (IsOptional), so it is dropped here: a `maxRecords: null` must not read as a cap of 0.
 */
export function plainOptions<T extends object>(options: T): T {
  return JSON.parse(JSON.stringify(options, (_key, value: unknown) => (value === null ? undefined : value))) as T;
}
