import { Logger } from '@nestjs/common';
import type { PlatformCallContext, PlatformWaitCause } from '../adapter/call-context';
import type { OAuthTokens, PlatformCredentials } from '../adapter/credentials';
import {
  CredentialsRejectedError,
  ForeignOriginError,
  MalformedResponseError,
  PlatformRequestError,
  PlatformUnavailableError,
  RateLimitedError,
  ResponseTooLargeError,
} from '../errors';
import { abortReason, backoffDelay, systemClock, type Clock, type HttpPolicy } from './http-policy';
import { describeNetworkError, isTransientNetworkError } from './network-errors';
import {
  defaultVerdict,
  parseJsonBody,
  type PlatformResponse,
  type ResponseClassifier,
  type ResponseVerdict,
} from './platform-response';
import { retryAfterHook, type RateLimitHook } from './rate-limit-headers';
import { BodyTooLargeError, readCappedText } from './read-capped-body';
import { SingleFlightRefresh, type RefreshFunction } from './single-flight-refresh';

export interface PlatformHttpClientConfig {
  /** Platform name, for errors, logs and quota charges. */
  platform: string;
  /** Relative request paths resolve against it; its origin is always allowed. */
  baseUrl: string;
  /** Further URLs whose origins this client may call (Google's token and revoke endpoints). */
  extraUrls?: string[];
  policy: HttpPolicy;
  /** Reads the platform's error bodies; undefined answers fall back to plain HTTP semantics. */
  classify?: ResponseClassifier;
  /** Reads the platform's rate-limit headers; defaults to Retry-After alone. */
  rateLimit?: RateLimitHook;
  /** Puts credentials on a request; defaults to a Bearer token for OAuth and a Cookie header for sessions. */
  authorize?: (headers: Headers, credentials: PlatformCredentials) => void;
  /** Refresh grant; without it a refused token is final. */
  refresh?: RefreshFunction;
  clock?: Clock;
}

export type QueryValue = string | number | boolean | undefined;

export interface PlatformRequest {
  /** The platform method (`channels.list`): names the call in errors, logs and the quota ledger. */
  operation: string;
  /** A path relative to baseUrl, or an absolute URL on an allowed origin (a `next` link from a response). */
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
}

/** The quota cost of one attempt of an authenticated call. */
export interface QuotaCost {
  units: number;
  /** Defaults to `default`, the platform's general pool. */
  bucket?: string;
}

export interface AuthenticatedRequest extends PlatformRequest {
  cost: QuotaCost;
}

/** A not-yet-sent request, rebuilt per attempt because credentials may change between attempts. */
interface Attempt {
  url: URL;
  init: RequestInit;
}

const EXPIRY_SKEW_MS = 60_000;

/**
 * The HTTP client every adapter talks to its platform through. It owns: per-attempt timeouts; bounded
 * retries with full-jitter backoff on 5xx, resets and timeouts; Retry-After and platform rate-limit
 * headers, sleeping short waits and surfacing long ones as RateLimitedError; the quota ledger (every
 * attempt charged); single-flight token refresh; response size caps; JSON parsing; and the rule that
 * requests, `next` links included, go only to the platform's configured origins. Redirects are not followed.
 */
export class PlatformHttpClient {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly base: URL;
  private readonly origins: string[];
  private readonly refresher?: SingleFlightRefresh;
  /** Per connection: no request before this time (a platform said its window is spent). */
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly config: PlatformHttpClientConfig) {
    this.clock = config.clock ?? systemClock;
    this.logger = new Logger(`PlatformHttpClient:${config.platform}`);
    this.base = new URL(config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`);
    this.origins = [...new Set([config.baseUrl, ...(config.extraUrls ?? [])].map((url) => new URL(url).origin))];
    if (config.refresh) {
      const { policy } = config;
      // Bound the shared refresh by what its own retries could take, not by any one caller.
      const budget = policy.maxAttempts * (policy.timeoutMs + policy.maxInProcessWaitMs);
      this.refresher = new SingleFlightRefresh(config.platform, config.refresh, budget);
    }
  }

  get platform(): string {
    return this.config.platform;
  }

  /**
   * An authenticated call on behalf of a connection: credentials applied (refreshed first when they have
   * expired), every attempt charged to `ctx.quota`, one single-flight refresh on a refused token.
   */
  async call(ctx: PlatformCallContext, request: AuthenticatedRequest): Promise<PlatformResponse> {
    let credentials = await this.currentCredentials(ctx);
    let refreshed = false;
    for (;;) {
      const sent = credentials;
      const result = await this.execute(request, ctx.signal, { ctx, cost: request.cost }, (headers) =>
        this.authorize(headers, sent),
      );
      if (result.kind === 'ok') return result.response;
      const refused = `${request.operation} answered HTTP ${result.response.status}`;
      if (refreshed) throw new CredentialsRejectedError(this.platform, 'rejected_after_refresh', refused);
      if (sent.kind !== 'oauth' || !this.refresher) throw new CredentialsRejectedError(this.platform, 'rejected', refused);
      credentials = await this.refresher.renew(ctx, sent);
      refreshed = true;
    }
  }

  /**
   * call() and parse the body as JSON, then read it with `read` when given. A malformed body (not JSON,
   * or a MalformedResponseError from `read`: an error body with a 200, `items: null`) is fetched once more
   * before giving up; truncation and flaky proxies happen.
   */
  callJson(ctx: PlatformCallContext, request: AuthenticatedRequest): Promise<unknown>;
  callJson<T>(ctx: PlatformCallContext, request: AuthenticatedRequest, read: (body: unknown) => T): Promise<T>;
  async callJson<T>(
    ctx: PlatformCallContext,
    request: AuthenticatedRequest,
    read?: (body: unknown) => T,
  ): Promise<unknown> {
    return this.withOneMoreTryOnMalformed(async () => {
      const body = parseJsonBody(await this.call(ctx, request), this.platform, request.operation);
      return read ? read(body) : body;
    }, ctx.logLabel);
  }

  /** An unauthenticated call outside any connection's quota (OAuth token, revoke and tokeninfo endpoints). */
  async send(request: PlatformRequest, signal: AbortSignal): Promise<PlatformResponse> {
    const result = await this.execute(request, signal, undefined, () => undefined);
    if (result.kind === 'ok') return result.response;
    // No credentials were sent, so there is nothing to refresh: a 401 here is a plain refusal.
    throw new PlatformRequestError(this.platform, request.operation, result.response.status, undefined, 'fail');
  }

  async sendJson(request: PlatformRequest, signal: AbortSignal): Promise<unknown> {
    return this.withOneMoreTryOnMalformed(async () =>
      parseJsonBody(await this.send(request, signal), this.platform, request.operation),
    );
  }

  /**
   * The connection's credentials, refreshed first when they expire within a minute: a call made with a
   * token known to be dead is a wasted (and on YouTube, billed) request.
   */
  async currentCredentials(ctx: PlatformCallContext): Promise<PlatformCredentials> {
    const credentials = await ctx.credentials.load();
    if (credentials.kind !== 'oauth' || !this.refresher || !credentials.refreshToken || !credentials.expiresAt) {
      return credentials;
    }
    const expiresAt = Date.parse(credentials.expiresAt);
    if (Number.isNaN(expiresAt) || expiresAt - EXPIRY_SKEW_MS > this.clock.now()) return credentials;
    return this.refresher.renew(ctx, credentials);
  }

  /**
   * Replaces tokens that a platform endpoint outside this client refused (Google's tokeninfo), through the
   * same single-flight refresh.
   */
  async renewCredentials(ctx: PlatformCallContext, refused: OAuthTokens): Promise<OAuthTokens> {
    if (!this.refresher) throw new CredentialsRejectedError(this.platform, 'no_refresh_token');
    return this.refresher.renew(ctx, refused);
  }

  /** Resolves a request URL and refuses anything off the configured origins or carrying credentials. */
  resolveUrl(url: string, query: Record<string, QueryValue> = {}): URL {
    // Scheme-relative forms include backslashes: URL parsing reads `\\host` like `//host`.
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(url) || /^[\\/]{2}/.test(url);
    let resolved: URL;
    try {
      // A relative path stays under the base path: "channels" under https://www.googleapis.com/youtube/v3/.
      resolved = absolute ? new URL(url, this.base) : new URL(url.replace(/^[\\/]+/, ''), this.base);
    } catch {
      throw new ForeignOriginError(this.platform, '(not a URL)', this.origins);
    }
    // Checked after resolution whatever the input looked like, so no spelling gets around it.
    if (!this.origins.includes(resolved.origin) || resolved.username !== '' || resolved.password !== '') {
      throw new ForeignOriginError(this.platform, redactUrl(resolved), this.origins);
    }
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) resolved.searchParams.set(name, String(value));
    }
    return resolved;
  }

  private async withOneMoreTryOnMalformed<T>(attempt: () => Promise<T>, logLabel?: string): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof MalformedResponseError)) throw error;
      this.logger.warn(`${labelled(logLabel)}${error.message}; asking once more`);
      return attempt();
    }
  }

  private authorize(headers: Headers, credentials: PlatformCredentials): void {
    if (this.config.authorize) {
      this.config.authorize(headers, credentials);
    } else if (credentials.kind === 'oauth') {
      headers.set('authorization', `Bearer ${credentials.accessToken}`);
    } else if (credentials.kind === 'cookies') {
      headers.set('cookie', credentials.cookies.map(({ name, value }) => `${name}=${value}`).join('; '));
    } else {
      // An uploaded archive is read from storage; it never authenticates a request.
      throw new CredentialsRejectedError(this.config.platform, 'wrong_kind', 'an uploaded archive cannot authenticate requests');
    }
  }

  /**
   * The retry loop. Resolves with the answer when it is OK, with `unauthorized` for the caller to refresh,
   * and throws for everything else.
   */
  private async execute(
    request: PlatformRequest,
    signal: AbortSignal,
    connection: { ctx: PlatformCallContext; cost: QuotaCost } | undefined,
    applyCredentials: (headers: Headers) => void,
  ): Promise<{ kind: 'ok' | 'unauthorized'; response: PlatformResponse }> {
    const { policy } = this.config;
    const ctx = connection?.ctx;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw abortReason(signal);
      if (ctx) await this.waitForPause(ctx, request.operation);
      // Built before charging: a URL refused here is never sent, so never billed.
      const prepared = this.prepare(request, applyCredentials);
      if (connection) {
        const { cost } = connection;
        await connection.ctx.quota.charge({
          platform: this.platform,
          bucket: cost.bucket ?? 'default',
          units: cost.units,
          operation: request.operation,
        });
      }

      let response: PlatformResponse;
      try {
        response = await this.fetchOnce(prepared, request.operation, signal);
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        if (!(error instanceof AttemptFailure)) throw error;
        if (attempt >= policy.maxAttempts) {
          throw new PlatformUnavailableError(this.platform, request.operation, attempt, error.message, {
            cause: error.cause,
          });
        }
        await this.waitBeforeRetry(request.operation, { kind: 'retry', reason: error.message }, attempt, undefined, signal, ctx);
        continue;
      }

      const verdict = this.verdictFor(response, request.operation);
      if (ctx) this.notePause(ctx, response, verdict);
      switch (verdict.kind) {
        case 'ok':
        case 'unauthorized':
          return { kind: verdict.kind, response };
        case 'error':
          throw verdict.error;
        case 'retry':
        case 'rate-limited':
          await this.waitBeforeRetry(request.operation, verdict, attempt, response, signal, ctx);
      }
    }
  }

  private verdictFor(response: PlatformResponse, operation: string): ResponseVerdict {
    return (
      this.config.classify?.(response, { operation, now: this.clock.now() }) ??
      defaultVerdict(response, this.platform, operation)
    );
  }

  private async waitBeforeRetry(
    operation: string,
    verdict: Extract<ResponseVerdict, { kind: 'retry' | 'rate-limited' }>,
    attempt: number,
    response: PlatformResponse | undefined,
    signal: AbortSignal,
    ctx: PlatformCallContext | undefined,
  ): Promise<void> {
    const { policy } = this.config;
    const now = this.clock.now();
    const asked = verdict.waitMs ?? (response ? this.askedWait(response, now) : undefined);
    const waitMs = Math.min(asked ?? backoffDelay(attempt, policy, this.clock.random), policy.maxRetryAfterMs);
    const outOfAttempts = attempt >= policy.maxAttempts;
    if (outOfAttempts && verdict.kind === 'retry') {
      throw new PlatformUnavailableError(this.platform, operation, attempt, verdict.reason);
    }
    if (outOfAttempts || waitMs > policy.maxInProcessWaitMs) {
      throw new RateLimitedError(this.platform, new Date(now + waitMs), verdict.reason, waitCause(verdict.kind));
    }
    this.logger.warn(
      `${labelled(ctx?.logLabel)}${operation}: ${verdict.reason}; attempt ${attempt + 1}/${policy.maxAttempts} in ${waitMs} ms`,
    );
    ctx?.onWait?.({ operation, cause: waitCause(verdict.kind), reason: verdict.reason, waitMs, resumeAt: new Date(now + waitMs) });
    await this.clock.sleep(waitMs, signal);
  }

  private askedWait(response: PlatformResponse, now: number): number | undefined {
    return (this.config.rateLimit ?? retryAfterHook)(response, now);
  }

  /** A successful answer that says the window is spent holds the connection's next request. */
  private notePause(ctx: PlatformCallContext, response: PlatformResponse, verdict: ResponseVerdict): void {
    if (verdict.kind !== 'ok') return;
    const now = this.clock.now();
    const waitMs = this.askedWait(response, now);
    if (waitMs === undefined || waitMs <= 0) return;
    const until = now + Math.min(waitMs, this.config.policy.maxRetryAfterMs);
    this.pausedUntil.set(ctx.connectionId, Math.max(until, this.pausedUntil.get(ctx.connectionId) ?? 0));
  }

  private async waitForPause(ctx: PlatformCallContext, operation: string): Promise<void> {
    const until = this.pausedUntil.get(ctx.connectionId);
    if (until === undefined) return;
    const now = this.clock.now();
    if (until <= now) {
      this.pausedUntil.delete(ctx.connectionId);
      return;
    }
    const reason = 'the platform reported its rate-limit window spent';
    if (until - now > this.config.policy.maxInProcessWaitMs) {
      throw new RateLimitedError(this.platform, new Date(until), reason);
    }
    ctx.onWait?.({ operation, cause: 'rate_limited', reason, waitMs: until - now, resumeAt: new Date(until) });
    await this.clock.sleep(until - now, ctx.signal);
  }

  private prepare(request: PlatformRequest, applyCredentials: (headers: Headers) => void): Attempt {
    const url = this.resolveUrl(request.url, request.query);
    const headers = new Headers(request.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    let body: string | undefined;
    if (request.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(request.form).toString();
    } else if (request.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(request.json);
    }
    applyCredentials(headers);
    return { url, init: { method: request.method ?? (body === undefined ? 'GET' : 'POST'), headers, body } };
  }

  /** One request with its own timeout, body read within the cap. Transient failures become AttemptFailure. */
  private async fetchOnce(attempt: Attempt, operation: string, signal: AbortSignal): Promise<PlatformResponse> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timed out'));
    }, this.config.policy.timeoutMs);
    try {
      const response = await fetch(attempt.url, { ...attempt.init, redirect: 'manual', signal: controller.signal });
      const body = await readCappedText(response, this.config.policy.maxResponseBytes);
      return { status: response.status, headers: response.headers, url: attempt.url.toString(), body };
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (error instanceof BodyTooLargeError) {
        controller.abort();
        throw new ResponseTooLargeError(this.platform, operation, error.limitBytes);
      }
      if (timedOut) {
        throw new AttemptFailure(`no complete answer within ${this.config.policy.timeoutMs} ms`, error);
      }
      if (isTransientNetworkError(error)) throw new AttemptFailure(describeNetworkError(error), error);
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** A dropped connection or timeout on one attempt: retried, and reported only if every attempt fails. */
class AttemptFailure extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** A URL fit for an error message: origin and path only, since queries carry tokens and ids. */
export function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A retried failure (5xx, a dropped connection) is the platform being down; anything else is a rate limit. */
function waitCause(kind: 'retry' | 'rate-limited'): PlatformWaitCause {
  return kind === 'retry' ? 'platform_unavailable' : 'rate_limited';
}

/** The prefix naming whom a logged call worked for, when known. */
const labelled = (logLabel: string | undefined): string => (logLabel ? `${logLabel}: ` : '');
