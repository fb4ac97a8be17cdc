import {
  AccountUnavailableError,
  CredentialsRejectedError,
  PlatformRequestError,
  ProviderNotConfiguredError,
  QuotaExceededError,
} from '../errors';
import { tryJsonBody, type PlatformResponse, type ResponseVerdict } from '../http/platform-response';
import { arrayField, asRecord, stringField } from '../json-shape';
import { nextMidnight } from '../time/zoned-midnight';
import { YOUTUBE_DEFAULT_BUCKET, YOUTUBE_TIME_ZONE } from './youtube.descriptor';

const PLATFORM = 'youtube';

/** Missing or closed things a collection steps over with a warning. */
const SKIP_REASONS = new Set([
  'commentsDisabled',
  'forbidden',
  'videoNotFound',
  'playlistNotFound',
  'playlistItemsNotAccessible',
  'channelNotFound',
  'commentNotFound',
  'subscriptionForbidden',
]);

/** A Google API error body: `{error: {code, message, status, errors: [{reason, domain}], details: [ErrorInfo]}}`. */
export function googleErrorReasons(body: unknown): { reasons: Set<string>; message?: string } {
  const error = asRecord(asRecord(body)?.error);
  const reasons = new Set<string>();
  for (const entry of arrayField(error, 'errors') ?? []) {
    const reason = stringField(entry, 'reason');
    if (reason) reasons.add(reason);
  }
  // Newer answers also carry google.rpc.ErrorInfo with an upper-case reason.
  for (const detail of arrayField(error, 'details') ?? []) {
    const reason = stringField(detail, 'reason');
    if (reason) reasons.add(reason);
  }
  return { reasons, message: stringField(error, 'message') };
}

/** The errors table of platform-facts §1, applied to a Data API answer. */
export function classifyYouTubeResponse(
  response: PlatformResponse,
  { operation, now }: { operation: string; now: number },
): ResponseVerdict | undefined {
  if (response.status < 400) return undefined;
  const { reasons, message } = googleErrorReasons(tryJsonBody(response));
  const has = (...names: string[]): boolean => names.some((name) => reasons.has(name));
  const fail = (error: Error): ResponseVerdict => ({ kind: 'error', error });

  if (has('quotaExceeded', 'dailyLimitExceeded')) {
    // Not retried: the pool refills at midnight Pacific, and until then every call is billed and refused.
    return fail(
      new QuotaExceededError(PLATFORM, YOUTUBE_DEFAULT_BUCKET, nextMidnight(YOUTUBE_TIME_ZONE, new Date(now)), message),
    );
  }
  if (has('rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED')) {
    return { kind: 'rate-limited', reason: [...reasons].join(', ') };
  }
  if (has('insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')) {
    return fail(new CredentialsRejectedError(PLATFORM, 'insufficient_scope', message));
  }
  if (response.status === 401) return { kind: 'unauthorized' };
  if (has('accessNotConfigured', 'SERVICE_DISABLED')) {
    return fail(
      new ProviderNotConfiguredError(
        PLATFORM,
        `the YouTube Data API is not enabled for this app's Google Cloud project${message ? `: ${message}` : ''}`,
      ),
    );
  }
  if (has('youtubeSignupRequired')) {
    return fail(new AccountUnavailableError(PLATFORM, 'no_channel', 'this Google account has no YouTube channel'));
  }
  if (has('authenticatedUserAccountClosed')) {
    return fail(new AccountUnavailableError(PLATFORM, 'closed', 'the YouTube account is closed'));
  }
  if (has('authenticatedUserAccountSuspended')) {
    return fail(new AccountUnavailableError(PLATFORM, 'suspended', 'the YouTube account is suspended'));
  }
  const reason = [...reasons][0];
  if (has('invalidPageToken')) {
    return fail(new PlatformRequestError(PLATFORM, operation, response.status, reason, 'restart-collection', message));
  }
  if ((response.status === 403 || response.status === 404) && [...reasons].some((name) => SKIP_REASONS.has(name))) {
    return fail(new PlatformRequestError(PLATFORM, operation, response.status, reason, 'skip', message));
  }
  // backendError and other 5xx: the default retry with backoff.
  if (response.status >= 500) return undefined;
  if (response.status === 429) return { kind: 'rate-limited', reason: reason ?? 'HTTP 429' };
  return fail(new PlatformRequestError(PLATFORM, operation, response.status, reason, 'fail', message));
}
