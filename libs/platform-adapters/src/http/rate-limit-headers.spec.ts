import {
  combineRateLimitHooks,
  facebookUsageHook,
  parseFacebookUsage,
  parseRetryAfter,
  retryAfterHook,
  xRateLimitHook,
} from './rate-limit-headers';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const head = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads the three HTTP-date forms', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Monday, 02-Mar-26 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Mon Mar  2 12:00:05 2026', NOW)).toBe(5_000);
  });

  it('treats a date in the past as now and ignores what it cannot read', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
    for (const value of ['-5', '1.5', 'soon', '2026-03-02T12:00:30Z', '']) expect(parseRetryAfter(value, NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });

  it('is honoured on 429 and 503 only', () => {
    expect(retryAfterHook(head(429, { 'retry-after': '3' }), NOW)).toBe(3_000);
    expect(retryAfterHook(head(503, { 'retry-after': '3' }), NOW)).toBe(3_000);
    expect(retryAfterHook(head(200, { 'retry-after': '3' }), NOW)).toBeUndefined();
  });
});

describe('xRateLimitHook', () => {
  const reset = String(NOW / 1000 + 900);

  it('waits for the reset when throttled or when the window has nothing left', () => {
    expect(xRateLimitHook(head(429, { 'x-rate-limit-reset': reset, 'x-rate-limit-remaining': '3' }), NOW)).toBe(900_000);
    expect(xRateLimitHook(head(200, { 'x-rate-limit-reset': reset, 'x-rate-limit-remaining': '0' }), NOW)).toBe(900_000);
    expect(xRateLimitHook(head(200, { 'x-rate-limit-reset': reset, 'x-rate-limit-remaining': '1' }), NOW)).toBeUndefined();
  });

  it('takes the longest of the 15-minute and 24-hour windows', () => {
    const day = String(NOW / 1000 + 86_400);
    const headers = { 'x-rate-limit-reset': reset, 'x-rate-limit-remaining': '0', 'x-user-limit-24hour-reset': day, 'x-user-limit-24hour-remaining': '0' };
    expect(xRateLimitHook(head(200, headers), NOW)).toBe(86_400_000);
  });
});

describe('Facebook usage headers', () => {
  it('reads the highest percentage across X-App-Usage and every BUC entry, and the regain time', () => {
    const headers = new Headers({
      'x-app-usage': '{"call_count":12,"total_cputime":4,"total_time":7}',
      'x-business-use-case-usage':
        '{"1234":[{"type":"pages","call_count":95,"total_cputime":10,"total_time":20,"estimated_time_to_regain_access":7}]}',
    });
    expect(parseFacebookUsage(headers)).toEqual({ maxPercent: 95, regainAccessMinutes: 7 });
    expect(parseFacebookUsage(new Headers({ 'x-app-usage': 'not json' }))).toBeUndefined();
  });

  it('parks at 90 % for the regain time, or an hour when Facebook does not say', () => {
    const hook = facebookUsageHook();
    expect(hook(head(200, { 'x-app-usage': '{"call_count":50}' }), NOW)).toBeUndefined();
    expect(hook(head(200, { 'x-app-usage': '{"call_count":91}' }), NOW)).toBe(3_600_000);
    const buc = '{"1":[{"call_count":100,"estimated_time_to_regain_access":12}]}';
    expect(hook(head(400, { 'x-business-use-case-usage': buc }), NOW)).toBe(720_000);
  });

  it('combines with Retry-After, taking the longest wait', () => {
    const hook = combineRateLimitHooks(retryAfterHook, facebookUsageHook());
    expect(hook(head(429, { 'retry-after': '30', 'x-app-usage': '{"call_count":20}' }), NOW)).toBe(30_000);
  });
});
