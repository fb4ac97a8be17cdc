/**
 * A random Idempotency-Key for one start: a double click or a retried request starts one export.
 * getRandomValues, unlike randomUUID, also works on plain HTTP on a LAN host (not a secure context).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
