/** Status and headers of a platform answer: what rate-limit hooks look at. */
export interface ResponseHead {
  status: number;
  headers: Headers;
}

/**
 * How long a platform asks us to wait, read from its headers; undefined when it does not say. Called on
 * every answer: on a throttled one the wait replaces the backoff; on a successful one (X with
 * `x-rate-limit-remaining: 0`, Facebook above its usage threshold) it holds the connection's next call.
 */
export type RateLimitHook = (response: ResponseHead, now: number) => number | undefined;

/**
 * `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`. A date in the past
 * means "now" (0); anything unparseable is ignored rather than guessed at.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text);
  return at === undefined ? undefined : Math.max(0, at - now);
}

/**
 * The three HTTP-date forms RFC 9110 §5.6.7 makes recipients accept: IMF-fixdate, RFC 850 and asctime.
 * Matching them first keeps Date.parse from reading some other string as local time.
 */
function parseHttpDate(text: string): number | undefined {
  let normalized: string | undefined;
  if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) normalized = text;
  else if (/^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(text)) normalized = text;
  else if (/^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(text)) normalized = `${text} GMT`;
  if (normalized === undefined) return undefined;
  const at = Date.parse(normalized);
  return Number.isNaN(at) ? undefined : at;
}

/** Honours `Retry-After` on 429 and 503, the statuses RFC 9110 gives it meaning on. */
export const retryAfterHook: RateLimitHook = (response, now) =>
  response.status === 429 || response.status === 503
    ? parseRetryAfter(response.headers.get('retry-after'), now)
    : undefined;

/**
 * X's `x-rate-limit-reset` (unix seconds): wait for it when throttled, or when a successful answer says
 * the window has no requests left. Also covers the 24-hour `x-user-limit-24hour-*` / `x-app-limit-24hour-*` pairs.
 */
export const xRateLimitHook: RateLimitHook = (response, now) => {
  const waits: number[] = [];
  for (const prefix of ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour']) {
    const reset = response.headers.get(`${prefix}-reset`);
    if (reset === null || !/^\d+$/.test(reset.trim())) continue;
    const exhausted = response.headers.get(`${prefix}-remaining`)?.trim() === '0';
    if (response.status === 429 || exhausted) waits.push(Math.max(0, Number(reset) * 1000 - now));
  }
  return waits.length > 0 ? Math.max(...waits) : undefined;
};

export interface FacebookUsage {
  /** The highest of call_count, total_cputime and total_time across X-App-Usage and every BUC entry. */
  maxPercent: number;
  /** The longest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage, when given. */
  regainAccessMinutes?: number;
}

/** Reads Facebook's `X-App-Usage` and `X-Business-Use-Case-Usage` percentages; undefined when neither is present. */
export function parseFacebookUsage(headers: Headers): FacebookUsage | undefined {
  const percents: number[] = [];
  const regain: number[] = [];
  const collect = (entry: unknown): void => {
    if (typeof entry !== 'object' || entry === null) return;
    const record = entry as Record<string, unknown>;
    for (const key of ['call_count', 'total_cputime', 'total_time']) {
      if (typeof record[key] === 'number') percents.push(record[key]);
    }
    const minutes = record.estimated_time_to_regain_access;
    if (typeof minutes === 'number' && minutes > 0) regain.push(minutes);
  };
  const app = parseHeaderJson(headers.get('x-app-usage'));
  if (app !== undefined) collect(app);
  const buc = parseHeaderJson(headers.get('x-business-use-case-usage'));
  if (typeof buc === 'object' && buc !== null) {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      if (Array.isArray(entries)) entries.forEach(collect);
    }
  }
  if (percents.length === 0 && regain.length === 0) return undefined;
  return {
    maxPercent: percents.length > 0 ? Math.max(...percents) : 0,
    regainAccessMinutes: regain.length > 0 ? Math.max(...regain) : undefined,
  };
}

function parseHeaderJson(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Facebook's governor (platform-facts §2): at or above `parkAtPercent` of any usage figure, wait
 * `estimated_time_to_regain_access`, or `fallbackMinutes` when Facebook does not say. Below it, or with no
 * usage headers, it says nothing; throttling error codes without figures are the adapter's classifier's call.
 */
export function facebookUsageHook(parkAtPercent = 90, fallbackMinutes = 60): RateLimitHook {
  return (response) => {
    const usage = parseFacebookUsage(response.headers);
    if (usage === undefined) return undefined;
    if (usage.maxPercent < parkAtPercent && usage.regainAccessMinutes === undefined) return undefined;
    return (usage.regainAccessMinutes ?? fallbackMinutes) * 60_000;
  };
}

/** The longest wait any of the hooks asks for. */
export function combineRateLimitHooks(...hooks: RateLimitHook[]): RateLimitHook {
  return (response, now) => {
    const waits = hooks.map((hook) => hook(response, now)).filter((wait): wait is number => wait !== undefined);
    return waits.length > 0 ? Math.max(...waits) : undefined;
  };
}
