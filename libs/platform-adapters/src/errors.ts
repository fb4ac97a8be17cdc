import { ErrorCode } from '@app/contracts';
import type { PlatformWaitCause } from './adapter/call-context';

/**
 * Base of every error an adapter or the platform client throws. `code` is the contract code a job or a
 * controller reports when it has no more specific mapping; the subclasses carry what a caller acts on.
 * A call cancelled through its AbortSignal does not throw one of these: it rejects with the signal's reason.
 */
export abstract class PlatformError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    readonly platform: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The platform asked us to wait longer than is worth sleeping in-process: park the job until `resumeAt`. */
export class RateLimitedError extends PlatformError {
  readonly code = ErrorCode.RATE_LIMIT_EXCEEDED;

  constructor(
    platform: string,
    readonly resumeAt: Date,
    readonly reason: string,
    /** `platform_unavailable` when the platform failed (5xx) and asked for more time than is slept in-process. */
    readonly waitCause: PlatformWaitCause = 'rate_limited',
  ) {
    super(
      platform,
      waitCause === 'rate_limited'
        ? `${platform} is rate limiting requests (${reason}); resume at ${resumeAt.toISOString()}`
        : `${platform} is unavailable (${reason}); try again at ${resumeAt.toISOString()}`,
    );
  }
}

/** A quota is spent (by the platform's word or by our ledger): no retry until `resetsAt`. */
export class QuotaExceededError extends PlatformError {
  readonly code = ErrorCode.QUOTA_EXCEEDED;

  constructor(
    platform: string,
    readonly bucket: string,
    readonly resetsAt: Date,
    detail = 'quota exceeded',
  ) {
    super(platform, `${platform} ${bucket} quota: ${detail}; resets at ${resetsAt.toISOString()}`);
  }
}

export type CredentialsRejection =
  /** The platform refused them and there is no way to renew them (no refresh grant, session cookies). */
  | 'rejected'
  /** The refresh token is dead: revoked, expired, or the password changed. */
  | 'invalid_grant'
  /** The platform refused the freshly refreshed token as well. */
  | 'rejected_after_refresh'
  /** The access token was refused and there is no refresh token to get a new one. */
  | 'no_refresh_token'
  /** The grant lacks a scope the export needs. */
  | 'insufficient_scope'
  /** The token was issued to another OAuth client, so it is not this app's to use. */
  | 'foreign_client'
  /** The browser session the cookies belong to is over (logged out, challenged, checkpointed): new cookies are needed. */
  | 'session_ended'
  /** The stored credentials are of a kind this platform does not take (cookies for an OAuth platform). */
  | 'wrong_kind'
  /** The stored copy cannot be decrypted (altered at rest, or sealed with a key no longer configured). */
  | 'unreadable';

/** The connection's credentials no longer work; the user must reconnect. Never retried. */
export class CredentialsRejectedError extends PlatformError {
  readonly code = ErrorCode.PLATFORM_NOT_CONNECTED;

  constructor(
    platform: string,
    readonly reason: CredentialsRejection,
    /** What the platform said, for the user: why, and what to do. */
    readonly detail?: string,
  ) {
    super(platform, `${platform} rejected the connection's credentials (${reason})${detail ? `: ${detail}` : ''}`);
  }
}

/** The operator's side is missing or wrong: client id/secret unset or refused, API not enabled. */
export class ProviderNotConfiguredError extends PlatformError {
  readonly code = ErrorCode.PROVIDER_NOT_CONFIGURED;
}

export type AccountUnavailableReason = 'no_channel' | 'closed' | 'suspended';

/** The credentials are fine but the account behind them cannot be exported. */
export class AccountUnavailableError extends PlatformError {
  readonly code = ErrorCode.EXPORT_FAILED;

  constructor(
    platform: string,
    readonly reason: AccountUnavailableReason,
    detail: string,
  ) {
    super(platform, detail);
  }
}

/** The platform kept failing (5xx, resets, timeouts) until the attempts ran out. Worth retrying later. */
export class PlatformUnavailableError extends PlatformError {
  readonly code = ErrorCode.BAD_GATEWAY;

  constructor(
    platform: string,
    readonly operation: string,
    readonly attempts: number,
    readonly lastFailure: string,
    options?: ErrorOptions,
  ) {
    super(platform, `${platform} ${operation} failed after ${attempts} attempt(s): ${lastFailure}`, options);
  }
}

/** What the pipeline does about a refused request. */
export type RequestErrorDisposition =
  /** The item is gone or closed (deleted video, comments disabled): skip it with a warning. */
  | 'skip'
  /** The cursor went stale: start the collection again and de-duplicate by id. */
  | 'restart-collection'
  /** Nothing sensible to do but stop. */
  | 'fail';

/** A request the platform refused for a reason retrying cannot fix. */
export class PlatformRequestError extends PlatformError {
  readonly code = ErrorCode.BAD_GATEWAY;

  constructor(
    platform: string,
    readonly operation: string,
    readonly status: number,
    /** The platform's own reason string (`videoNotFound`, `invalid_request`), when it gave one. */
    readonly reason: string | undefined,
    readonly disposition: RequestErrorDisposition,
    detail?: string,
  ) {
    super(
      platform,
      `${platform} ${operation} was refused with HTTP ${status}${reason ? ` (${reason})` : ''}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** The body was not the JSON it should have been (truncated, HTML, an error page). */
export class MalformedResponseError extends PlatformError {
  readonly code = ErrorCode.BAD_GATEWAY;

  constructor(
    platform: string,
    readonly operation: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(platform, `${platform} ${operation} answered with a malformed body: ${detail}`, options);
  }
}

/** The answer was bigger than the configured cap; it was cut off, not buffered. */
export class ResponseTooLargeError extends PlatformError {
  readonly code = ErrorCode.BAD_GATEWAY;

  constructor(
    platform: string,
    readonly operation: string,
    readonly limitBytes: number,
  ) {
    super(platform, `${platform} ${operation} answered with more than ${limitBytes} bytes`);
  }
}

/** A URL (usually a `next` link from a response) points outside the platform's configured origins. */
export class ForeignOriginError extends PlatformError {
  readonly code = ErrorCode.BAD_GATEWAY;

  constructor(
    platform: string,
    readonly url: string,
    allowed: readonly string[],
  ) {
    super(platform, `refusing to call ${url}: ${platform} requests may only go to ${allowed.join(', ')}`);
  }
}

/** No adapter serves this name. */
export class PlatformNotFoundError extends Error {
  readonly code = ErrorCode.PLATFORM_NOT_FOUND;

  constructor(readonly platform: string) {
    super(`Unknown platform: ${platform}`);
    this.name = 'PlatformNotFoundError';
  }
}

/** `pages()` was handed a plan its adapter never declared: a programming error in the caller. */
export class UnknownCollectionError extends PlatformError {
  readonly code = ErrorCode.EXPORT_FAILED;

  constructor(
    platform: string,
    readonly collection: string,
  ) {
    super(platform, `${platform} has no collection named ${collection}`);
  }
}

/** `pages()` was handed a cursor its adapter did not write for that collection (corrupt or from another version). */
export class InvalidCursorError extends PlatformError {
  readonly code = ErrorCode.EXPORT_FAILED;

  constructor(
    platform: string,
    readonly collection: string,
    detail: string,
  ) {
    super(platform, `${platform} ${collection}: unusable cursor (${detail})`);
  }
}

/** Why one media file was not downloaded; the export skips the file and records the reason. */
export abstract class MediaError extends Error {
  abstract readonly reason: string;

  constructor(
    /** Origin and path only: media URLs carry signatures. */
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type MediaRefusal =
  | 'scheme'
  | 'credentials'
  | 'host_not_allowed'
  | 'private_address'
  | 'too_many_redirects'
  | 'insecure_redirect'
  /** Not a watch page of one video under the configured YouTube watch URL (VideoFileDownloader). */
  | 'not_a_video'
  /** The reference names a `via` no registered platform fetches with. */
  | 'unknown_fetcher';

/** The URL (or a redirect hop) breaks the media rules: nothing was requested from it, nothing written. */
export class MediaRefusedError extends MediaError {
  constructor(
    url: string,
    readonly reason: MediaRefusal,
    detail: string,
  ) {
    super(url, `refused to download ${url}: ${detail}`);
  }
}

/** The file is larger than the cap; no file is left behind. */
export class MediaTooLargeError extends MediaError {
  readonly reason = 'too_large';

  constructor(
    url: string,
    readonly limitBytes: number,
  ) {
    super(url, `${url} is larger than ${limitBytes} bytes`);
  }
}

/** The download failed (HTTP status, network, timeout); no file is left behind. */
export class MediaDownloadError extends MediaError {
  readonly reason = 'download_failed';

  constructor(
    url: string,
    detail: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(url, `downloading ${url} failed: ${detail}`, options);
  }
}
