import type { Page } from 'puppeteer-core';
import type { PlatformCallContext } from '../adapter/call-context';
import type { SessionCookie } from '../adapter/credentials';
import { CredentialsRejectedError, MalformedResponseError, PlatformRequestError, PlatformUnavailableError, RateLimitedError } from '../errors';
import { abortableSleep } from '../http/http-policy';
import type { BrowserSession, InstagramBrowser } from './instagram-browser';
import { INSTAGRAM_APP_ID, type InstagramOptions } from './instagram.options';

/** What the page's fetch saw; the body is text so that an HTML answer can be recognised as one. */
interface WebAnswer {
  status: number;
  url: string;
  contentType: string;
  claim: string | null;
  text: string;
}

export interface WebRequest {
  /** The platform method, for the quota ledger and errors: `feed.user`. */
  operation: string;
  /** Path under the site, `/api/v1/feed/user/123/`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as a form POST (the reels endpoint); needs the csrftoken cookie echoed as X-CSRFToken. */
  form?: Record<string, string>;
}

const RECONNECT = 'connect Instagram again with fresh cookies from a browser that is logged in';
const MAX_SERVER_FAILURES = 3;
const MAX_PARK_MS = 6 * 3_600_000;

/** Per connection, in this process: requests go one at a time, spaced by the random delay. */
interface Lane {
  tail: Promise<void>;
  lastAt?: number;
  throttled: number;
  /** When the requests of the sliding window were sent, oldest first. */
  sent: number[];
}

/**
 * The sliding window instaloader's RateController found by experiment: 200 requests per 11 minutes per
 * query type. Kept over all of an account's requests together, which is stricter; at the default pauses
 * it is never reached, but shorter configured pauses are held to it.
 */
export const INSTAGRAM_WINDOW = { requests: 200, ms: 660_000 };

/**
 * The site as its own web app calls it, from inside the connection's Chromium page: the same cookies,
 * X-IG-App-ID, X-CSRFToken and X-IG-WWW-Claim, one request at a time per account with a random pause of
 * INSTAGRAM_MIN_DELAY_MS..INSTAGRAM_MAX_DELAY_MS before each. A 429 waits INSTAGRAM_RATE_LIMIT_WAIT_MS
 * once, then parks the export with doubling waits. Anything that says the session is over (401, the
 * login or challenge page, checkpoint_required, HTML instead of JSON) ends it at once: retrying a dead
 * or challenged session is what gets accounts locked.
 */
export class InstagramWeb {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly options: InstagramOptions,
    private readonly browser: InstagramBrowser,
  ) {}

  /** Opens the home page as the logged-in browser would and reads whose session it is. */
  async viewer(ctx: PlatformCallContext): Promise<{ pk: string; username?: string }> {
    const html = await this.paced(ctx, 'page.home', (session) => this.home(ctx, session), true);
    const cookies = await this.cookieJar((await this.browser.session(ctx.connectionId)).page);
    const pk = cookies.find((cookie) => cookie.name === 'ds_user_id')?.value ?? /"viewerId":"(\d+)"/.exec(html)?.[1];
    const username = /"viewer":\{"username":"([^"\\]+)"/.exec(html)?.[1];
    if (!pk || !/^\d+$/.test(pk)) throw this.stop(ctx, 'the home page did not show a logged-in user');
    return { pk, username };
  }

  /** One JSON call of the web API, paced, with the stop signals and 429s handled. */
  async json(ctx: PlatformCallContext, request: WebRequest): Promise<Record<string, unknown>> {
    let serverFailures = 0;
    for (;;) {
      const answer = await this.paced(ctx, request.operation, (session) => this.fetch(session.page, session, request));
      const body = await this.read(ctx, request, answer);
      if (body !== 'throttled' && body !== 'server') return body;
      if (body === 'server' && ++serverFailures >= MAX_SERVER_FAILURES) {
        throw new PlatformUnavailableError('instagram', request.operation, serverFailures, `HTTP ${answer.status}`);
      }
    }
  }

  /** Forgets the connection's browser context (disconnect, a dead session). */
  async forget(connectionId: string): Promise<void> {
    this.lanes.delete(connectionId);
    await this.browser.release(connectionId);
  }

  private async read(ctx: PlatformCallContext, request: WebRequest, answer: WebAnswer): Promise<Record<string, unknown> | 'throttled' | 'server'> {
    const lane = this.lane(ctx.connectionId);
    const path = new URL(answer.url).pathname;
    if (/\/accounts\/login\b/.test(path)) throw this.stop(ctx, 'Instagram sent the browser to its login page');
    if (/\/challenge\b/.test(path)) throw this.stop(ctx, 'Instagram asks the account to pass a security challenge');
    if (answer.status === 401) throw this.stop(ctx, 'Instagram answered 401 (logged out)');
    if (answer.status === 429) {
      lane.throttled += 1;
      const waitMs = Math.min(this.options.rateLimitWaitMs * 2 ** (lane.throttled - 1), MAX_PARK_MS);
      const resumeAt = new Date(Date.now() + waitMs);
      const reason = `Instagram asked to slow down (HTTP 429, ${lane.throttled} in a row)`;
      if (lane.throttled > 1) throw new RateLimitedError('instagram', resumeAt, reason);
      ctx.onWait?.({ operation: request.operation, cause: 'rate_limited', reason, waitMs, resumeAt });
      await abortableSleep(waitMs, ctx.signal);
      return 'throttled';
    }
    if (!/json/i.test(answer.contentType)) {
      if (/html/i.test(answer.contentType) || /^\s*</.test(answer.text)) throw this.stop(ctx, 'Instagram answered with a web page where its app gets data');
      throw new MalformedResponseError('instagram', request.operation, `content type ${answer.contentType || 'none'}`);
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(answer.text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      if (answer.status >= 500) return 'server';
      throw new MalformedResponseError('instagram', request.operation, error instanceof Error ? error.message : 'unreadable JSON');
    }
    const message = typeof body.message === 'string' ? body.message : undefined;
    if (message === 'checkpoint_required' || message === 'challenge_required' || body.checkpoint_url !== undefined) {
      throw this.stop(ctx, `Instagram answered ${message ?? 'with a checkpoint'}`);
    }
    if (body.require_login === true || message === 'login_required') throw this.stop(ctx, 'Instagram requires a new login');
    if (answer.status >= 500) return 'server';
    if (answer.status !== 200 || body.status === 'fail') {
      throw new PlatformRequestError('instagram', request.operation, answer.status, message, answer.status === 404 || answer.status === 400 ? 'skip' : 'fail');
    }
    lane.throttled = 0;
    return body;
  }

  /** Ends the session: its context is closed and the user is told to connect again. */
  private stop(ctx: PlatformCallContext, why: string): CredentialsRejectedError {
    void this.forget(ctx.connectionId);
    return new CredentialsRejectedError('instagram', 'session_ended', `${why}; ${RECONNECT}`);
  }

  private lane(connectionId: string): Lane {
    let lane = this.lanes.get(connectionId);
    if (!lane) {
      lane = { tail: Promise.resolve(), throttled: 0, sent: [] };
      this.lanes.set(connectionId, lane);
    }
    return lane;
  }

  /**
   * Runs one request in the connection's lane: after the previous one finished, and no sooner than a
   * random delay after it. A context that has not been to the site yet first gets the stored cookies and
   * opens the home page (itself a paced request, unless `home` says this request is that visit). A
   * browser that crashed under the request is started again and the request repeated once, in a new
   * context opened with the stored cookies.
   */
  private async paced<T>(ctx: PlatformCallContext, operation: string, send: (session: BrowserSession) => Promise<T>, home = false): Promise<T> {
    const lane = this.lane(ctx.connectionId);
    const previous = lane.tail;
    let done!: () => void;
    lane.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      for (let attempt = 1; ; attempt++) {
        try {
          const session = await this.browser.session(ctx.connectionId);
          if (!session.opened) {
            await this.plant(ctx, session.page);
            if (!home) await this.step(ctx, lane, 'page.home', () => this.home(ctx, session));
          }
          const result = await this.step(ctx, lane, operation, () => send(session));
          await this.saveCookies(ctx, session.page);
          return result;
        } catch (error) {
          if (attempt > 1 || !this.browser.isCrash(error)) throw error;
          await this.browser.recover();
        }
      }
    } finally {
      done();
    }
  }

  /** One request on the wire: the pause, the ledger, the call. */
  private async step<T>(ctx: PlatformCallContext, lane: Lane, operation: string, send: () => Promise<T>): Promise<T> {
    await this.pause(ctx, lane);
    await ctx.quota.charge({ platform: 'instagram', bucket: 'default', units: 1, operation });
    try {
      return await send();
    } finally {
      lane.lastAt = Date.now();
    }
  }

  private async pause(ctx: PlatformCallContext, lane: Lane): Promise<void> {
    const now = Date.now();
    while (lane.sent.length > 0 && lane.sent[0] <= now - INSTAGRAM_WINDOW.ms) lane.sent.shift();
    if (lane.sent.length >= INSTAGRAM_WINDOW.requests) {
      const waitMs = lane.sent[0] + INSTAGRAM_WINDOW.ms - now;
      ctx.onWait?.({ operation: 'pacing', cause: 'rate_limited', reason: `${INSTAGRAM_WINDOW.requests} requests in ${INSTAGRAM_WINDOW.ms / 60_000} minutes, the most Instagram tolerates`, waitMs, resumeAt: new Date(now + waitMs) });
      await abortableSleep(waitMs, ctx.signal);
    }
    if (lane.lastAt !== undefined) {
      const { minDelayMs, maxDelayMs } = this.options;
      const delay = minDelayMs + Math.floor(Math.random() * (maxDelayMs - minDelayMs + 1));
      const waitMs = lane.lastAt + delay - Date.now();
      if (waitMs > 0) await abortableSleep(waitMs, ctx.signal);
    }
    lane.sent.push(Date.now());
  }

  /** The home page, as the app opens it: a login or challenge page instead means the session is over. */
  private async home(ctx: PlatformCallContext, session: BrowserSession): Promise<string> {
    let status: number;
    try {
      const response = await session.page.goto(`${this.options.webUrl}/`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
      status = response?.status() ?? 0;
    } catch (error) {
      if (this.browser.isCrash(error)) throw error;
      throw new PlatformUnavailableError('instagram', 'page.home', 1, error instanceof Error ? error.message : String(error));
    }
    const path = new URL(session.page.url()).pathname;
    if (/\/accounts\/login\b/.test(path)) throw this.stop(ctx, 'Instagram sent the browser to its login page');
    if (/\/challenge\b/.test(path)) throw this.stop(ctx, 'Instagram asks the account to pass a security challenge');
    if (status >= 500 || status === 0) throw new PlatformUnavailableError('instagram', 'page.home', 1, `HTTP ${status}`);
    if (status === 429) throw new RateLimitedError('instagram', new Date(Date.now() + this.options.rateLimitWaitMs), 'Instagram asked to slow down (HTTP 429 on the home page)');
    session.opened = true;
    return session.page.content();
  }

  /** The stored cookies, into the connection's fresh context. */
  private async plant(ctx: PlatformCallContext, page: Page): Promise<void> {
    const stored = await ctx.credentials.load();
    if (stored.kind !== 'cookies') throw new CredentialsRejectedError('instagram', 'wrong_kind', 'Instagram is connected with browser cookies');
    const secure = this.options.webUrl.startsWith('https:');
    await page.setCookie(
      ...stored.cookies.map((cookie) => ({
        name: cookie.name,
        value: cookie.value,
        url: `${this.options.webUrl}/`,
        path: '/',
        secure: secure && cookie.secure !== false,
        httpOnly: cookie.httpOnly ?? false,
        ...(cookie.expiresAt ? { expires: Math.floor(Date.parse(cookie.expiresAt) / 1000) } : {}),
      })),
    );
  }

  private async cookieJar(page: Page): Promise<SessionCookie[]> {
    const cookies = await page.cookies(`${this.options.webUrl}/`);
    return cookies.map((cookie) => ({
      name: cookie.name,
      value: cookie.value,
      path: cookie.path,
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
      ...(cookie.expires > 0 ? { expiresAt: new Date(cookie.expires * 1000).toISOString() } : {}),
    }));
  }

  /** Cookies the site set or renewed go back to the credential store, so the next export starts with them. */
  private async saveCookies(ctx: PlatformCallContext, page: Page): Promise<void> {
    const stored = await ctx.credentials.load();
    if (stored.kind !== 'cookies') return;
    const jar = await this.cookieJar(page);
    if (!jar.some((cookie) => cookie.name === 'sessionid')) return;
    const before = new Map(stored.cookies.map((cookie) => [cookie.name, cookie]));
    const changed = jar.length !== stored.cookies.length || jar.some((cookie) => before.get(cookie.name)?.value !== cookie.value);
    if (!changed) return;
    await ctx.credentials.save({ ...stored, cookies: jar.map((cookie) => ({ ...cookie, domain: before.get(cookie.name)?.domain ?? cookie.domain })) });
  }

  private async fetch(page: Page, session: BrowserSession, request: WebRequest): Promise<WebAnswer> {
    const url = new URL(`${this.options.webUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const answer = await page.evaluate(
      async (target: string, form: Record<string, string> | null, appId: string, claim: string): Promise<WebAnswer> => {
        // The page's own cookie jar, as the site's script reads it; not Node's globals.
        const jar = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
        const csrf = /(?:^|;\s*)csrftoken=([^;]*)/.exec(jar)?.[1] ?? '';
        const headers: Record<string, string> = { 'X-IG-App-ID': appId, 'X-Requested-With': 'XMLHttpRequest', 'X-IG-WWW-Claim': claim, 'X-CSRFToken': csrf };
        const init: RequestInit = { headers, credentials: 'include' };
        if (form) {
          init.method = 'POST';
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
          init.body = new URLSearchParams(form).toString();
        }
        const response = await fetch(target, init);
        return {
          status: response.status,
          url: response.url,
          contentType: response.headers.get('content-type') ?? '',
          claim: response.headers.get('x-ig-set-www-claim'),
          text: await response.text(),
        };
      },
      url.toString(),
      request.form ?? null,
      INSTAGRAM_APP_ID,
      session.claim,
    );
    if (answer.claim) session.claim = answer.claim;
    return answer;
  }
}
