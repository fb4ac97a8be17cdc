/** Socket and DNS failures that a second try can get past. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

interface ErrorLike {
  message: string;
  code?: unknown;
  cause?: unknown;
}

/** Duck-typed, because undici's errors come from Node's own realm and fail `instanceof Error` under Jest. */
function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** Whether a fetch failure is a dropped or refused connection (worth a retry) rather than a bug or a bad URL. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; isErrorLike(current) && depth < 5; depth++) {
    const code = current.code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    // undici reports a body cut short by the peer as "terminated" with the socket error as its cause.
    if (current.message === 'terminated' || current.message === 'other side closed') return true;
    current = current.cause;
  }
  return false;
}

/** A short description of a network failure for logs and errors: the innermost code or message. */
export function describeNetworkError(error: unknown): string {
  let description = isErrorLike(error) ? error.message : String(error);
  for (let current: unknown = error, depth = 0; isErrorLike(current) && depth < 5; depth++) {
    const code = current.code;
    description = typeof code === 'string' ? code : current.message;
    current = current.cause;
  }
  return description;
}
