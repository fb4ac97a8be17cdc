import { MalformedResponseError, PlatformRequestError } from '../errors';

/** A platform answer, body read in full (within the size cap). */
export interface PlatformResponse {
  status: number;
  headers: Headers;
  /** The URL that answered, query included: keep it out of logs. */
  url: string;
  /** The body decoded as UTF-8: every platform answer this client reads is JSON or text. */
  body: string;
}

/** What an answer means for the call that got it. */
export type ResponseVerdict =
  | { kind: 'ok' }
  /** Transient (5xx, `backendError`): back off and try again; out of attempts → PlatformUnavailableError. */
  | { kind: 'retry'; reason: string; waitMs?: number }
  /** Throttled: wait as told (or back off) and try again; a long wait or no attempts left → RateLimitedError. */
  | { kind: 'rate-limited'; reason: string; waitMs?: number }
  /** The access credentials were refused: refresh once (single-flight) and try again. */
  | { kind: 'unauthorized' }
  /** Give up with this error. */
  | { kind: 'error'; error: Error };

/** Lets an adapter read its platform's error bodies; undefined falls back to defaultVerdict. */
export type ResponseClassifier = (
  response: PlatformResponse,
  call: { operation: string; now: number },
) => ResponseVerdict | undefined;

/** HTTP semantics when the platform's own error format says nothing more specific. */
export function defaultVerdict(response: PlatformResponse, platform: string, operation: string): ResponseVerdict {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'rate-limited', reason: 'HTTP 429' };
  // 501 and 505 say the server will never do this; every other 5xx, and 408, may pass.
  if (status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
    return { kind: 'retry', reason: `HTTP ${status}` };
  }
  // Redirects are not followed: an API that redirects is misconfigured or sending us somewhere else.
  const detail = status >= 300 && status < 400 ? 'unexpected redirect' : undefined;
  return { kind: 'error', error: new PlatformRequestError(platform, operation, status, undefined, 'fail', detail) };
}

/** The body as JSON, or a MalformedResponseError that says what arrived instead (never the body itself). */
export function parseJsonBody(response: PlatformResponse, platform: string, operation: string): unknown {
  const contentType = response.headers.get('content-type') ?? 'no content type';
  if (response.body.length === 0) {
    throw new MalformedResponseError(platform, operation, `empty body (HTTP ${response.status}, ${contentType})`);
  }
  try {
    return JSON.parse(response.body) as unknown;
  } catch (error) {
    throw new MalformedResponseError(
      platform,
      operation,
      `not JSON (HTTP ${response.status}, ${contentType}, ${Buffer.byteLength(response.body)} bytes)`,
      { cause: error },
    );
  }
}

/** The body as JSON when it is JSON, for reading error details; undefined otherwise. */
export function tryJsonBody(response: PlatformResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}
