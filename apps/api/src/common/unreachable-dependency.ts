/** Seconds a client is asked to wait before trying again while the database or the queue is unreachable. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** Socket errors, and PostgreSQL's connection failures (class 08) and shutdown/startup codes (57P01-57P03). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** What node-postgres, TypeORM and ioredis say when their server is out of reach. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|Driver not Connected|Client has encountered a connection error|Stream isn't writeable|max retries per request|the database system is (starting up|shutting down)/i;

/**
 * True when `error` (or what it wraps: TypeORM's driverError, a cause, an AggregateError's errors)
 * says the database or Redis could not be reached, as opposed to a query that failed on its own merits.
 * Such a request is worth trying again shortly, so it is answered 503 with Retry-After, not 500.
 */
export function isUnreachableDependency(error: unknown, depth = 0): boolean {
  if (depth > 4 || !error || typeof error !== 'object') return false;
  const candidate = error as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === 'string' && (CONNECTION_CODES.has(candidate.code) || candidate.code.startsWith('08'))) return true;
  if (candidate.name === 'MaxRetriesPerRequestError') return true;
  if (typeof candidate.message === 'string' && CONNECTION_MESSAGES.test(candidate.message)) return true;
  const nested = [candidate.driverError, candidate.cause, ...(Array.isArray(candidate.errors) ? (candidate.errors as unknown[]) : [])];
  return nested.some((inner) => isUnreachableDependency(inner, depth + 1));
}
