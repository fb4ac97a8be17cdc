import { Logger } from '@nestjs/common';
import {
  ForeignOriginError,
  MalformedResponseError,
  PlatformRequestError,
  PlatformUnavailableError,
  QuotaExceededError,
  RateLimitedError,
  ResponseTooLargeError,
} from '../errors';
import { sendJson, startLocalServer, type LocalServer } from '../../test/local-server';
import { recordingClock, testContext } from '../../test/test-context';
import { abortableSleep, resolveHttpPolicy, type Clock, type HttpPolicy } from './http-policy';
import { PlatformHttpClient, type PlatformHttpClientConfig } from './platform-http-client';
import { combineRateLimitHooks, retryAfterHook, xRateLimitHook } from './rate-limit-headers';

const TOKENS = { kind: 'oauth' as const, accessToken: 'T1', refreshToken: 'R1' };
const CALL = { operation: 'items.list', url: 'items', cost: { units: 1 } };

describe('PlatformHttpClient', () => {
  let server: LocalServer;
  let reply: Parameters<typeof startLocalServer>[0];

  beforeEach(async () => {
    reply = (_request, response) => sendJson(response, 200, { ok: true });
    server = await startLocalServer((request, response, raw) => reply(request, response, raw));
  });

  afterEach(() => server.close());

  function client(overrides: Partial<PlatformHttpClientConfig> = {}, policy: Partial<HttpPolicy> = {}, clock?: Clock) {
    return new PlatformHttpClient({
      platform: 'test',
      baseUrl: `${server.origin}/api/v1`,
      policy: resolveHttpPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 2_000, ...policy }),
      clock: clock ?? recordingClock().clock,
      ...overrides,
    });
  }

  it('sends authenticated requests under the base path and charges each to the ledger', async () => {
    const { ctx, charges } = testContext(TOKENS);
    const body = await client().callJson(ctx, { ...CALL, query: { mine: true, part: 'snippet' } });
    expect(body).toEqual({ ok: true });
    expect(server.requests[0].path).toBe('/api/v1/items');
    expect(server.requests[0].url.searchParams.get('mine')).toBe('true');
    expect(server.requests[0].headers.authorization).toBe('Bearer T1');
    expect(charges).toEqual([{ platform: 'test', bucket: 'default', units: 1, operation: 'items.list' }]);
  });

  it('retries a 503 with jittered backoff, charging every attempt, until it succeeds', async () => {
    let calls = 0;
    reply = (_request, response) => (++calls <= 2 ? sendJson(response, 503, { error: 'busy' }) : sendJson(response, 200, { ok: true }));
    const { clock, sleeps } = recordingClock();
    const { ctx, charges } = testContext(TOKENS);
    await expect(client({}, {}, clock).callJson(ctx, CALL)).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(charges).toHaveLength(3);
    // random() = 0.5 of the full-jitter ceilings 100 ms and 200 ms.
    expect(sleeps).toEqual([50, 100]);
  });

  it('names whom the call works for on every retry warning it logs', async () => {
    let calls = 0;
    reply = (_request, response) => (++calls <= 1 ? sendJson(response, 503, { error: 'busy' }) : sendJson(response, 200, { ok: true }));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const { ctx } = testContext(TOKENS);
      await client().callJson({ ...ctx, logLabel: 'export 1234' }, CALL);
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([expect.stringMatching(/^export 1234: items\.list: /)]);
    } finally {
      warn.mockRestore();
    }
  });

  it('gives up after maxAttempts on a platform that keeps failing', async () => {
    reply = (_request, response) => sendJson(response, 503, {});
    const { ctx } = testContext(TOKENS);
    const failure = client({}, { maxAttempts: 3 }).call(ctx, CALL);
    await expect(failure).rejects.toBeInstanceOf(PlatformUnavailableError);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a connection reset and a timed-out answer', async () => {
    let calls = 0;
    reply = (_request, response, raw) => {
      calls += 1;
      if (calls === 1) raw.socket.destroy();
      else if (calls === 2) return; // never answers: the attempt times out
      else sendJson(response, 200, { ok: true });
    };
    const { ctx } = testContext(TOKENS);
    await expect(client({}, { timeoutMs: 300 }).callJson(ctx, CALL)).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
  });

  it('waits as long as Retry-After says, in seconds', async () => {
    let calls = 0;
    reply = (_request, response) =>
      ++calls === 1 ? sendJson(response, 429, {}, { 'retry-after': '2' }) : sendJson(response, 200, { ok: true });
    const { clock, sleeps } = recordingClock();
    const { ctx } = testContext(TOKENS);
    await client({}, {}, clock).call(ctx, CALL);
    expect(sleeps).toEqual([2_000]);
    expect(server.requests).toHaveLength(2);
  });

  it('waits until a Retry-After HTTP-date', async () => {
    const { clock, sleeps } = recordingClock(Date.parse('2026-03-02T12:00:00Z'));
    let calls = 0;
    reply = (_request, response) =>
      ++calls === 1
        ? sendJson(response, 503, {}, { 'retry-after': 'Mon, 02 Mar 2026 12:00:07 GMT' })
        : sendJson(response, 200, { ok: true });
    const { ctx } = testContext(TOKENS);
    await client({}, {}, clock).call(ctx, CALL);
    expect(sleeps).toEqual([7_000]);
  });

  it('does not sleep through a long wait: RateLimitedError with resumeAt, for the job to park', async () => {
    reply = (_request, response) => sendJson(response, 429, {}, { 'retry-after': '600' });
    const { clock, sleeps } = recordingClock(Date.parse('2026-03-02T12:00:00Z'));
    const { ctx } = testContext(TOKENS);
    const error: unknown = await client({}, {}, clock).call(ctx, CALL).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).resumeAt.toISOString()).toBe('2026-03-02T12:10:00.000Z');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('clamps an absurd Retry-After to maxRetryAfterMs', async () => {
    reply = (_request, response) => sendJson(response, 429, {}, { 'retry-after': '999999999' });
    const { clock } = recordingClock(Date.parse('2026-03-02T12:00:00Z'));
    const { ctx } = testContext(TOKENS);
    const error = (await client({}, { maxRetryAfterMs: 3_600_000 }, clock).call(ctx, CALL).catch((caught: unknown) => caught)) as RateLimitedError;
    expect(error.resumeAt.toISOString()).toBe('2026-03-02T13:00:00.000Z');
  });

  it('reads x-rate-limit-reset on a 429 and pauses the connection when a window is spent', async () => {
    const { clock, sleeps } = recordingClock(Date.parse('2026-03-02T12:00:00Z'));
    const resetAt = Math.floor(Date.parse('2026-03-02T12:00:30Z') / 1000);
    let calls = 0;
    reply = (_request, response) => {
      calls += 1;
      if (calls === 1) sendJson(response, 429, {}, { 'x-rate-limit-reset': String(resetAt), 'x-rate-limit-remaining': '0' });
      else sendJson(response, 200, { ok: true }, { 'x-rate-limit-reset': String(resetAt + 45), 'x-rate-limit-remaining': '0' });
    };
    const x = client({ rateLimit: combineRateLimitHooks(retryAfterHook, xRateLimitHook) }, {}, clock);
    const { ctx } = testContext(TOKENS);
    await x.call(ctx, CALL);
    expect(sleeps).toEqual([30_000]);
    // The successful answer said the window is spent for 45 s more: the next call waits before it is sent.
    await x.call(ctx, CALL);
    expect(sleeps).toEqual([30_000, 45_000]);
    expect(server.requests).toHaveLength(3);
  });

  it('stops during a backoff sleep when the signal aborts, without another request', async () => {
    reply = (_request, response) => {
      sendJson(response, 503, {});
      setTimeout(() => controller.abort(new Error('export cancelled')), 20);
    };
    const controller = new AbortController();
    const { ctx } = testContext(TOKENS, controller.signal);
    // The real sleep; random() near 1 makes the first backoff close to 10 s.
    const real = client({}, { baseDelayMs: 10_000, maxDelayMs: 10_000 }, {
      now: () => Date.now(),
      random: () => 0.99,
      sleep: abortableSleep,
    });
    await expect(real.call(ctx, CALL)).rejects.toThrow('export cancelled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body over the size cap, declared or streamed', async () => {
    reply = (request, response) => {
      if (request.url.searchParams.has('declared')) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(5_000_000) });
        response.write('{"x":"');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'a'.repeat(64 * 1024);
      for (let index = 0; index < 40; index++) response.write(chunk);
      response.end();
    };
    const { ctx } = testContext(TOKENS);
    const small = client({}, { maxResponseBytes: 1024 * 1024 });
    await expect(small.call(ctx, { ...CALL, query: { declared: 1 } })).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(small.call(ctx, CALL)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('asks once more on malformed JSON, then fails with MalformedResponseError', async () => {
    reply = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"items": [1, 2');
    };
    const { ctx } = testContext(TOKENS);
    const error: unknown = await client().callJson(ctx, CALL).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain('not JSON (HTTP 200, application/json, 15 bytes)');
    expect(server.requests).toHaveLength(2);
  });

  it('follows a next link on its own origin and refuses one anywhere else, sending nothing', async () => {
    const foreign = await startLocalServer((_request, response) => sendJson(response, 200, {}));
    try {
      const { ctx, charges } = testContext(TOKENS);
      const api = client();
      await api.call(ctx, { ...CALL, url: `${server.origin}/api/v1/items?pageToken=abc` });
      expect(server.requests[0].url.searchParams.get('pageToken')).toBe('abc');

      const nexts = [
        `${foreign.origin}/api/v1/items`,
        `//127.0.0.1:${foreign.port}/x`,
        `\\\\127.0.0.1:${foreign.port}/x`,
        `/\\127.0.0.1:${foreign.port}/x`,
        `https://127.0.0.1:${server.port}/api/v1/items`,
        `http://user:pw@127.0.0.1:${server.port}/api/v1/items`,
        'http://',
      ];
      for (const next of nexts) {
        await expect(api.call(ctx, { ...CALL, url: next })).rejects.toBeInstanceOf(ForeignOriginError);
      }
      expect(foreign.requests).toHaveLength(0);
      expect(server.requests).toHaveLength(1);
      expect(charges).toHaveLength(1);
    } finally {
      await foreign.close();
    }
  });

  it('charges a request the platform refuses, and stops before sending when the ledger says the quota is spent', async () => {
    reply = (_request, response) => sendJson(response, 400, { error: 'bad' });
    const { ctx, charges } = testContext(TOKENS);
    await expect(client().call(ctx, CALL)).rejects.toBeInstanceOf(PlatformRequestError);
    expect(charges).toHaveLength(1);

    const spent = { ...ctx, quota: { charge: () => { throw new QuotaExceededError('test', 'default', new Date()); } } };
    await expect(client().call(spent, CALL)).rejects.toBeInstanceOf(QuotaExceededError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    reply = (_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      response.end();
    };
    const { ctx } = testContext(TOKENS);
    await expect(client().call(ctx, CALL)).rejects.toThrow('unexpected redirect');
  });
});
