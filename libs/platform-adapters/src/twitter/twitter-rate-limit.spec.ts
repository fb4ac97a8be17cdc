import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import { xTokens } from '../../../../test/twitter/twitter-support';
import type { PlatformCallContext } from '../adapter/call-context';
import type { Cursor } from '../adapter/collection';
import { InMemoryCredentialStore } from '../adapter/credentials';
import { RateLimitedError } from '../errors';
import { systemClock, type Clock } from '../http/http-policy';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { PlatformHttpClientFactory, type PlatformHttpClientSpec } from '../http/platform-http-client.factory';
import { SettingsReader } from '../settings/settings-reader';
import { FAST_HTTP } from '../../test/options';
import { TwitterAdapter } from './twitter.adapter';
import { readTwitterOptions } from './twitter.options';

/** Clients whose clock is the sandbox's, so moving X's clock moves the app's too. */
class SandboxClockFactory extends PlatformHttpClientFactory {
  constructor(private readonly clock: Clock) {
    super(FAST_HTTP);
  }

  override create(spec: PlatformHttpClientSpec): PlatformHttpClient {
    return super.create({ ...spec, clock: this.clock });
  }
}

/**
 * X's 15-minute windows, read from x-rate-limit-* on every answer: once a window is spent the next
 * request is not sent; the wait, longer than the in-process threshold, surfaces as RateLimitedError with
 * X's reset as resumeAt (the export parks until then), and after the reset the list goes on from the
 * cursor of the last page delivered, asking for no page twice.
 */
describe('TwitterAdapter: a spent rate-limit window', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    // Four pages of followers and a window of two requests.
    sandbox = await startSandbox({ port: 0, accounts: [{ key: 'wren', twitter: { posts: 0, followers: 4000, following: 0, rateLimits: { followers: 2 } } }] });
  });
  afterAll(() => sandbox.close());

  it('parks until the reset X announced without sending a refused request, then resumes from the last page', async () => {
    // A minute into one of X's 15-minute windows, held there: the spent window has 14 minutes to go.
    sandbox.admin.setClock({ freeze: true, set: Math.floor(Date.now() / 900_000) * 900_000 + 60_000 });
    const clock: Clock = { ...systemClock, now: () => Date.parse(sandbox.admin.clock().now) };
    const adapter = new TwitterAdapter(readTwitterOptions(new SettingsReader({ ...sandbox.env })), new SandboxClockFactory(clock));
    const tokens = await xTokens(sandbox, 'wren');
    const ctx: PlatformCallContext = {
      connectionId: 'wren-connection',
      credentials: new InMemoryCredentialStore({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token }),
      quota: { charge: () => undefined },
      signal: new AbortController().signal,
    };
    const [plan] = adapter.collections({ collections: ['followers'] });
    const since = sandbox.admin.log().lastSeq;
    const ids: string[] = [];
    let cursor: Cursor | undefined;
    const drain = async (from?: Cursor): Promise<void> => {
      for await (const page of adapter.pages(ctx, plan, from)) {
        ids.push(...page.items.map((item) => item.id));
        cursor = page.cursor;
      }
    };

    const parked = await drain().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(parked).toBeInstanceOf(RateLimitedError);
    const calls = () => sandbox.admin.log({ api: 'twitter.followers', since }).entries;
    const window = sandbox.admin.quota('twitter').buckets.find((bucket) => bucket.bucket.endsWith(':followers'));
    const reset = Date.parse(window?.resetsAt ?? '');
    expect((parked as RateLimitedError).resumeAt.getTime()).toBe(reset);
    expect(ids).toHaveLength(2000);
    // The spent window was read from the headers: the third request was never sent, so X refused nothing.
    expect(calls().map((entry) => entry.status)).toEqual([200, 200]);

    // The window turns: X's clock, and with it the app's, passes the reset.
    sandbox.admin.setClock({ set: reset + 1000 });
    await drain(cursor);
    expect(ids).toHaveLength(4000);
    expect(new Set(ids).size).toBe(4000);
    const pages = calls().map((entry) => entry.query.pagination_token ?? 'first');
    expect(new Set(pages).size).toBe(pages.length);
    sandbox.admin.resetClock();
  });
});
