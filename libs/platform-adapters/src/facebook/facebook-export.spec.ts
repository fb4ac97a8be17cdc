import type { ExportOptions } from '@app/contracts';
import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../adapter/collection';
import { CredentialsRejectedError, InvalidCursorError, RateLimitedError } from '../errors';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { resolvePlatformSettings } from '../settings/platform-settings';
import { FAST_HTTP } from '../../test/options';
import { testContext } from '../../test/test-context';
import { FacebookAdapter } from './facebook.adapter';
import type { FacebookOptions } from './facebook.options';

/**
 * The Facebook collections against the sandbox's Graph API: resuming on a cursor Meta refuses, dateRange,
 * maxRecords, and what the Graph's error codes do to a collection.
 */
describe('Facebook export collections (platform sandbox)', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      accounts: [{ key: 'fay', fbPosts: 260, fbLikes: 250, fbAlbumSizes: [4], fbTaggedPhotos: 0, fbVideos: 0, quotaLimit: 100_000 }],
    });
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    sandbox.admin.clearFaults();
    sandbox.admin.resetClock();
  });

  const adapter = (): FacebookAdapter =>
    new FacebookAdapter(
      resolvePlatformSettings({ ...sandbox.env, FACEBOOK_SLOWDOWN_MS: '0' }).platforms.get('facebook') as FacebookOptions,
      new PlatformHttpClientFactory(FAST_HTTP),
    );

  async function connect(): Promise<ReturnType<typeof testContext>> {
    sandbox.admin.setConsent({ account: 'fay' });
    const redirect = 'http://127.0.0.1:9/cb';
    const dialog = new URL(`${sandbox.env.FACEBOOK_GRAPH_URL}/dialog/oauth`);
    dialog.search = new URLSearchParams({ client_id: sandbox.env.FACEBOOK_APP_ID, redirect_uri: redirect, scope: 'user_posts,user_likes,user_photos' }).toString();
    const code = new URL((await fetch(dialog, { redirect: 'manual' })).headers.get('location') as string).searchParams.get('code') as string;
    const tokens = await adapter().oauth.exchangeCode({ code, redirectUri: redirect }, new AbortController().signal);
    return testContext(tokens);
  }

  const plan = (facebook: FacebookAdapter, collection: string, options: ExportOptions = {}): CollectionPlan =>
    facebook.collections(options).find((candidate) => candidate.collection === collection) as CollectionPlan;

  async function pull(facebook: FacebookAdapter, ctx: ReturnType<typeof testContext>['ctx'], target: CollectionPlan, from?: Cursor, maxPages = Infinity) {
    const pages: Page[] = [];
    for await (const page of facebook.pages(ctx, target, from)) {
      pages.push(page);
      if (pages.length >= maxPages) break;
    }
    return { pages, items: pages.flatMap((page) => page.items), cursor: pages.at(-1)?.cursor };
  }

  const ids = (items: ExportItem[]): string[] => items.map((item) => item.id);

  it('resumes on a cursor Meta refuses by reading posts again by time, and likes by skipping what is newer, with nothing twice', async () => {
    const facebook = adapter();
    const { ctx } = await connect();
    for (const collection of ['posts', 'likes']) {
      const whole = await pull(facebook, ctx, plan(facebook, collection));
      const first = await pull(facebook, ctx, plan(facebook, collection), undefined, 2);
      expect(first.cursor).toBeDefined();
      // Meta's cursors stop working after a while.
      sandbox.admin.setClock({ advanceMs: 31 * 60_000 });
      const rest = await pull(facebook, ctx, plan(facebook, collection), first.cursor);
      sandbox.admin.resetClock();
      const all = [...ids(first.items), ...ids(rest.items)];
      expect({ collection, ids: all }).toEqual({ collection, ids: ids(whole.items) });
    }
    const log = sandbox.admin.log().entries.filter((entry) => entry.api === 'facebook.posts');
    expect(log.some((entry) => entry.status === 400)).toBe(true);
  });

  it('never keeps the token or its proof in a cursor, and refuses a cursor it did not write', async () => {
    const facebook = adapter();
    const { ctx, store } = await connect();
    const { cursor } = await pull(facebook, ctx, plan(facebook, 'posts'), undefined, 1);
    const token = (await store.load()).kind === 'oauth' ? ((await store.load()) as { accessToken: string }).accessToken : '';
    expect(cursor).not.toContain(token);
    expect(cursor).not.toContain('appsecret_proof');
    await expect(pull(facebook, ctx, plan(facebook, 'posts'), '{"v":1,"c":"likes","delivered":0,"consumed":0}')).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('maps dateRange to since/until on posts and stops at maxRecords', async () => {
    const facebook = adapter();
    const { ctx } = await connect();
    const whole = await pull(facebook, ctx, plan(facebook, 'posts'));
    const days = whole.items.map((item) => (item.data.createdTime as string).slice(0, 10));
    const start = days[120];
    const end = days[40];
    const ranged = await pull(facebook, ctx, plan(facebook, 'posts', { dateRange: { start, end } }));
    expect(ids(ranged.items)).toEqual(ids(whole.items.filter((item, index) => days[index] >= start && days[index] <= end)));
    const requested = sandbox.admin.log().entries.filter((entry) => entry.api === 'facebook.posts').at(-1);
    expect(requested?.query.since).toMatch(/^\d+$/);
    const capped = await pull(facebook, ctx, plan(facebook, 'posts', { maxRecords: 30 }));
    expect(ids(capped.items)).toEqual(ids(whole.items).slice(0, 30));
    expect(capped.pages).toHaveLength(1);
  });

  it('skips a collection whose permission is missing, parks on a throttle, and ends the connection on 190', async () => {
    const facebook = adapter();
    const { ctx } = await connect();
    const videos = await pull(facebook, ctx, plan(facebook, 'videos'));
    expect(videos.items).toEqual([]);
    expect(videos.pages[0].warnings).toEqual([expect.stringContaining('#200')]);

    sandbox.admin.addFault({ match: { api: 'facebook.likes' }, respond: { status: 403, reason: '613', message: 'Calls to this api have exceeded the rate limit.' } });
    const throttled = pull(facebook, ctx, plan(facebook, 'likes'));
    await expect(throttled).rejects.toBeInstanceOf(RateLimitedError);
    await throttled.catch((error: RateLimitedError) => expect(error.resumeAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000));

    sandbox.admin.expireTokens({ account: 'fay' });
    await expect(pull(facebook, ctx, plan(facebook, 'likes'))).rejects.toBeInstanceOf(CredentialsRejectedError);
  });
});
