/** Out of space (ENOSPC) or over a disk quota (EDQUOT). */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * True when `error` (or what it wraps: a cause, an AggregateError's errors) says the disk is full.
 * Such a write is worth trying again once space is back: the export waits instead of failing.
 */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (depth > 4 || !error || typeof error !== 'object') return false;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === 'string' && FULL_CODES.has(candidate.code)) return true;
  const nested = [candidate.cause, ...(Array.isArray(candidate.errors) ? (candidate.errors as unknown[]) : [])];
  return nested.some((inner) => isStorageFull(inner, depth + 1));
}
