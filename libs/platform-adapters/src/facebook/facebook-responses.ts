import { CredentialsRejectedError, PlatformRequestError, ProviderNotConfiguredError } from '../errors';
import { tryJsonBody, type PlatformResponse, type ResponseVerdict } from '../http/platform-response';
import { parseFacebookUsage } from '../http/rate-limit-headers';
import { asRecord, numberField, stringField } from '../json-shape';

const PLATFORM = 'facebook';
/** When Meta throttles without saying for how long (platform-facts §2). */
export const DEFAULT_REGAIN_MINUTES = 60;

/** The Graph error object: `{error: {message, type, code, error_subcode, fbtrace_id}}`. */
export interface GraphError {
  code?: number;
  subcode?: number;
  message?: string;
  type?: string;
}

export function graphErrorOf(body: unknown): GraphError | undefined {
  const error = asRecord(asRecord(body)?.error);
  if (!error) return undefined;
  return {
    code: numberField(error, 'code'),
    subcode: numberField(error, 'error_subcode'),
    message: stringField(error, 'message'),
    type: stringField(error, 'type'),
  };
}

export const isThrottleCode = (code: number | undefined): boolean =>
  code === 4 || code === 17 || code === 32 || code === 613 || (code !== undefined && code >= 80000 && code <= 80014);

export const isPermissionCode = (code: number | undefined): boolean => code === 10 || (code !== undefined && code >= 200 && code <= 299);

/**
 * The Graph error codes (platform-facts §2): 190 ends the connection; throttling codes wait
 * `estimated_time_to_regain_access` (an hour when absent); 1 and 2 are temporary; a missing permission
 * (10, 200-299) is skipped by the caller; the rest fail. Token endpoints (`oauth.*`) read the same
 * object: a refused code is the user's to retry, a refused client the operator's to fix.
 */
export function classifyFacebookResponse(response: PlatformResponse, { operation }: { operation: string }): ResponseVerdict | undefined {
  if (response.status < 400) return undefined;
  const error = graphErrorOf(tryJsonBody(response));
  const code = error?.code;
  const detail = [error?.message, code !== undefined ? `code ${code}${error?.subcode !== undefined ? `/${error.subcode}` : ''}` : undefined]
    .filter(Boolean)
    .join(', ');
  const fail = (failure: Error): ResponseVerdict => ({ kind: 'error', error: failure });
  if (operation.startsWith('oauth.')) {
    if (code === 1 || code === 101) return fail(new ProviderNotConfiguredError(PLATFORM, `Facebook refused the app's credentials: ${detail}`));
    if (response.status < 500) return fail(new CredentialsRejectedError(PLATFORM, 'rejected', detail));
    return undefined;
  }
  if (code === 190 || code === 102) {
    return fail(new CredentialsRejectedError(PLATFORM, 'rejected', `the access token is no longer valid; reconnect Facebook (${detail})`));
  }
  if (isThrottleCode(code)) {
    const minutes = parseFacebookUsage(response.headers)?.regainAccessMinutes ?? DEFAULT_REGAIN_MINUTES;
    return { kind: 'rate-limited', reason: `Facebook throttled the calls (${detail})`, waitMs: minutes * 60_000 };
  }
  if (code === 1 || code === 2) return { kind: 'retry', reason: `Facebook reported a temporary error (${detail})` };
  if (response.status >= 500 && (code === undefined || code === 1 || code === 2)) return undefined;
  const reason = code !== undefined ? `#${code}` : undefined;
  return fail(new PlatformRequestError(PLATFORM, operation, response.status, reason, isPermissionCode(code) ? 'skip' : 'fail', error?.message));
}
