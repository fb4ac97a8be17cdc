import { instagramLogin, startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import type { PlatformCallContext, PlatformWait } from '../adapter/call-context';
import { InMemoryCredentialStore } from '../adapter/credentials';
import { RateLimitedError } from '../errors';
import { SettingsReader } from '../settings/settings-reader';
import { InstagramBrowser } from './instagram-browser';
import { parseInstagramCookies } from './instagram-cookies';
import { InstagramAdapter } from './instagram.adapter';
import { readInstagramOptions } from './instagram.options';

/**
 * The adapter against the website stand-in in real Chromium: a first 429 is waited out in the process
 * (at least a minute, reported as a wait), a second one right after parks the export for twice as long,
 * and cookies the site sets are saved back to the store.
 */
describe('InstagramAdapter pacing and session upkeep', () => {
  let sandbox: RunningSandbox;
  let browser: InstagramBrowser;
  let adapter: InstagramAdapter;
  const spec = { key: 'pia', instagram: { posts: 30 } };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, accounts: [spec] });
    const options = readInstagramOptions(new SettingsReader({ ...sandbox.env, INSTAGRAM_MIN_DELAY_MS: '20', INSTAGRAM_MAX_DELAY_MS: '40' }));
    browser = new InstagramBrowser(options);
    adapter = new InstagramAdapter(options, browser);
  });
  afterAll(async () => {
    await browser.onModuleDestroy();
    await sandbox.close();
  });

  const store = new InMemoryCredentialStore({ kind: 'cookies', cookies: [] });
  const context = (signal: AbortSignal, onWait?: (wait: PlatformWait) => void): PlatformCallContext => ({
    connectionId: 'connection-1',
    credentials: store,
    quota: { charge: () => undefined },
    signal,
    onWait,
  });
  const firstPage = async (ctx: PlatformCallContext): Promise<unknown> => {
    const [plan] = adapter.collections({ collections: ['posts'] });
    for await (const page of adapter.pages(ctx, plan)) return page;
    return undefined;
  };

  it('checks the session in the browser and saves the cookies the site set', async () => {
    const login = instagramLogin(spec);
    await store.save(parseInstagramCookies(`sessionid=${login.sessionid}`));
    const account = await adapter.verifyCredentials(context(new AbortController().signal));
    expect(account).toMatchObject({ accountId: login.ds_user_id, handle: 'pia' });
    const saved = await store.load();
    expect(saved.kind === 'cookies' && saved.cookies.map((cookie) => cookie.name).sort()).toEqual(expect.arrayContaining(['csrftoken', 'rur', 'sessionid']));
  }, 60_000);

  it('waits at least a minute after a 429, then parks with a doubled wait when the next answer is a 429 too', async () => {
    sandbox.admin.addFault({ match: { api: 'instagram.feed.user' }, respond: 429, times: 2 });
    const waits: PlatformWait[] = [];
    const first = new AbortController();
    const waited = firstPage(context(first.signal, (wait) => {
      waits.push(wait);
      first.abort(new Error('stop waiting'));
    }));
    await expect(waited).rejects.toThrow('stop waiting');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ cause: 'rate_limited', operation: 'feed.user' });
    expect(waits[0].waitMs).toBeGreaterThanOrEqual(60_000);

    const parked = firstPage(context(new AbortController().signal));
    await expect(parked).rejects.toBeInstanceOf(RateLimitedError);
    const error = (await parked.catch((e: unknown) => e)) as RateLimitedError;
    expect(error.resumeAt.getTime() - Date.now()).toBeGreaterThan(119_000);

    // The window passed: the next request goes through and the count starts over.
    expect(await firstPage(context(new AbortController().signal))).toMatchObject({ items: expect.any(Array) });
  }, 60_000);
});
