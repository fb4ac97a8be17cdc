import type { ExportOptions } from '@app/contracts';
import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../adapter/collection';
import { InvalidCursorError, MalformedResponseError, QuotaExceededError } from '../errors';
import { nextMidnight } from '../time/zoned-midnight';
import { sandboxSettings, youtubeAdapter } from '../../test/options';
import { testContext } from '../../test/test-context';
import { YouTubeAdapter } from './youtube.adapter';

/**
 * The export collections against the platform sandbox: a real HTTP server speaking the Data API's
 * shapes, paging, errors and unit costs, with deterministic synthetic accounts. alice has 137 videos,
 * playlists of 12, 57 and 0 entries, 31 subscriptions and comment threads with up to 12 replies (a
 * thread embeds 5); bob has a channel without videos.
 */
describe('YouTube export collections (platform sandbox)', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  const newAdapter = () => youtubeAdapter(sandboxSettings(sandbox));

  /** A connection to a sandbox account, its quota charges recorded. */
  function connect(account: string) {
    const tokens = sandbox.admin.issueTokens({ account });
    return testContext({
      kind: 'oauth',
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
    });
  }

  const unitsOf = (charges: { units: number }[]) => charges.reduce((sum, charge) => sum + charge.units, 0);
  const served = (api: string) => sandbox.admin.log().counts[`youtube.${api}`] ?? 0;

  function plan(adapter: YouTubeAdapter, collection: string, exportOptions: ExportOptions = {}): CollectionPlan {
    const found = adapter.collections(exportOptions).find((candidate) => candidate.collection === collection);
    if (!found) throw new Error(`no ${collection} plan`);
    return found;
  }

  /** Pages a collection to its end (or `maxPages`), checking that only the last page lacks a cursor. */
  async function pull(adapter: YouTubeAdapter, ctx: PlatformCallContext, target: CollectionPlan, from?: Cursor, maxPages = Infinity) {
    const pages: Page[] = [];
    for await (const page of adapter.pages(ctx, target, from)) {
      pages.push(page);
      if (pages.length >= maxPages) break;
    }
    const ended = pages.at(-1)?.cursor === undefined;
    if (pages.slice(0, ended ? -1 : undefined).some((page) => page.cursor === undefined)) throw new Error('a page without a cursor before the last');
    const items = pages.flatMap((page) => page.items);
    return {
      pages,
      items,
      ids: items.map((item) => item.id),
      warnings: pages.flatMap((page) => page.warnings ?? []),
      cursor: pages.at(-1)?.cursor,
    };
  }

  const unique = (ids: string[]) => new Set(ids).size === ids.length;

  describe('plans', () => {
    it('pulls profile, videos, playlists, playlist entries, comments and subscriptions, in that order', () => {
      const adapter = newAdapter();
      const plans = adapter.collections({ dateRange: { start: '2026-01-01', end: '2026-01-31' }, maxRecords: 500 });
      expect(plans.map((p) => [p.collection, p.feature, p.estimatedUnits])).toEqual([
        ['profile', 'profile', 1],
        ['videos', 'videos', 1],
        ['playlists', 'playlists', 1],
        ['playlist-items', 'playlists', 1],
        ['comments', 'comments', 1],
        ['subscriptions', 'subscriptions', 1],
      ]);
      expect(plans[1].params).toEqual({ from: Date.parse('2026-01-01T00:00:00Z'), until: Date.parse('2026-02-01T00:00:00Z'), maxRecords: 500 });
    });

    it('keeps only the listed features, and counts the channel lookup once, on the first plan that needs it', () => {
      const plans = newAdapter().collections({ collections: ['comments', 'videos'] });
      expect(plans.map((p) => [p.collection, p.estimatedUnits])).toEqual([
        ['videos', 2],
        ['comments', 1],
      ]);
    });

    it('refuses a cursor it did not write', async () => {
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      await expect(pull(adapter, ctx, plan(adapter, 'videos'), '{"v":1,"c":"playlists","list":{},"delivered":0}')).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      await expect(pull(adapter, ctx, plan(adapter, 'videos'), 'not json')).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });

  it('exports a whole channel with every item exactly once, reading the channel once, for the units the formulas give', async () => {
    const adapter = newAdapter();
    const { ctx, charges } = connect('alice');
    const account = sandbox.admin.account('alice');
    const result: Record<string, Awaited<ReturnType<typeof pull>>> = {};
    for (const target of adapter.collections({})) result[target.collection] = await pull(adapter, ctx, target);

    const profile = result.profile.items;
    expect(profile).toHaveLength(1);
    expect(profile[0].id).toBe(account.channelId);
    expect(profile[0].data).toMatchObject({ uploadsPlaylistId: account.uploadsPlaylistId, videoCount: 137, raw: { id: account.channelId } });

    expect(result.videos.ids).toHaveLength(137);
    expect(unique(result.videos.ids)).toBe(true);
    expect(result.videos.ids.slice(0, 3)).toEqual(account.sampleVideoIds);

    expect(result.playlists.ids.sort()).toEqual(account.playlists.map((p) => p.id).sort());
    const entries = result['playlist-items'].items;
    expect(unique(entries.map((e) => e.id))).toBe(true);
    for (const playlist of account.playlists) {
      expect(entries.filter((e) => e.data.playlistId === playlist.id)).toHaveLength(playlist.size);
    }

    const comments = result.comments.items;
    expect(unique(comments.map((c) => c.id))).toBe(true);
    const threads = comments.filter((c) => c.data.parentId === null);
    expect(threads).toHaveLength(account.commentThreads);
    for (const thread of threads) {
      expect(comments.filter((c) => c.data.parentId === thread.id)).toHaveLength(thread.data.totalReplyCount as number);
    }
    const longThreads = threads.filter((t) => (t.data.totalReplyCount as number) > 5);
    expect(longThreads.length).toBeGreaterThan(0);

    expect(result.subscriptions.ids).toHaveLength(31);
    expect(unique(result.subscriptions.ids)).toBe(true);
    expect(Object.values(result).flatMap((r) => r.warnings)).toEqual([]);

    const channelLookup = 1;
    const videos = 2 * Math.ceil(137 / 50);
    const playlists = 1;
    const playlistItems = 1 + account.playlists.reduce((sum, p) => sum + Math.max(1, Math.ceil(p.size / 50)), 0);
    const commentUnits = Math.ceil(account.commentThreads / 100) + longThreads.length; // every thread has at most 12 replies
    const subscriptions = 1;
    expect(unitsOf(charges)).toBe(channelLookup + videos + playlists + playlistItems + commentUnits + subscriptions);
    expect(served('channels.list')).toBe(1);
    expect(sandbox.admin.log().unitsToday.alice).toBe(unitsOf(charges));
  });

  describe('videos', () => {
    it('costs exactly 1 + 2·⌈N/50⌉ units and merges videos.list details into each upload by id', async () => {
      const adapter = newAdapter();
      const { ctx, charges } = connect('alice');
      const { items, pages } = await pull(adapter, ctx, plan(adapter, 'videos'));
      expect(unitsOf(charges)).toBe(1 + 2 * Math.ceil(137 / 50));
      // Each later uploads page is asked for beside the videos.list of the page before it.
      expect(charges.map((c) => c.operation)).toEqual([
        'channels.list',
        ...Array.from({ length: 3 }, () => ['playlistItems.list', 'videos.list']).flat(),
      ]);
      expect(pages.map((p) => p.items.length)).toEqual([50, 50, 37]);
      expect(pages[0].totalEstimate).toBe(137);
      expect(sandbox.admin.log({ api: 'youtube.search.list' }).entries).toHaveLength(0);

      const video = items[0];
      expect(typeof video.id).toBe('string');
      expect(video.data).toMatchObject({
        id: video.id,
        publishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        duration: expect.stringMatching(/^P/),
        privacyStatus: expect.any(String),
        viewCount: expect.any(Number),
        raw: { id: video.id, kind: 'youtube#video', snippet: expect.any(Object), statistics: expect.any(Object) },
      });
      const thumbnails = (video.data.raw as { snippet: { thumbnails: Record<string, { url: string }> } }).snippet.thumbnails;
      const best = (thumbnails.maxres ?? thumbnails.standard ?? thumbnails.high).url;
      expect(video.media?.[0]).toEqual({ url: best, kind: 'thumbnail' });
      const publicVideo = items.find((item) => item.data.privacyStatus !== 'private') as ExportItem;
      expect(publicVideo.media).toContainEqual({ url: `${sandbox.url}/watch?v=${publicVideo.id}`, kind: 'video', via: 'ytdlp' });
      const privateVideo = items.find((item) => item.data.privacyStatus === 'private');
      if (privateVideo) expect(privateVideo.media?.some((ref) => ref.via === 'ytdlp')).toBe(false);
    });

    it('exports a channel without videos as one empty last page', async () => {
      const adapter = newAdapter();
      const { ctx, charges } = connect('bob');
      const { pages } = await pull(adapter, ctx, plan(adapter, 'videos'));
      expect(pages).toEqual([{ items: [], cursor: undefined, totalEstimate: 0, warnings: [] }]);
      expect(unitsOf(charges)).toBe(2);
    });

    it('stops at the page that reaches before dateRange.start, asks videos.list only for uploads in range, and skips newer ones', async () => {
      const all = (await pull(newAdapter(), connect('alice').ctx, plan(newAdapter(), 'videos'))).items;
      const day = (item: ExportItem) => (item.data.publishedAt as string).slice(0, 10);
      // A window from the 10th to the 60th newest upload's days: the newest uploads are newer than `end`.
      const dateRange = { start: day(all[60]), end: day(all[10]) };
      const expected = all.filter((item) => day(item) >= dateRange.start && day(item) <= dateRange.end).map((item) => item.id);
      sandbox.admin.clearLog();

      const adapter = newAdapter();
      const { ctx, charges } = connect('alice');
      const { ids, pages } = await pull(adapter, ctx, plan(adapter, 'videos', { dateRange }));
      expect(ids).toEqual(expected);
      // Two uploads pages reach past the 60th upload; the third is never asked for.
      expect(pages).toHaveLength(2);
      expect(unitsOf(charges)).toBe(1 + 2 + 2);
      const asked = sandbox.admin.log({ api: 'youtube.videos.list' }).entries.flatMap((entry) => entry.query.id.split(','));
      expect(asked).toEqual(expected);
    });

    it('asks for no more than maxRecords needs', async () => {
      const adapter = newAdapter();
      const { ctx, charges } = connect('alice');
      const { ids, pages } = await pull(adapter, ctx, plan(adapter, 'videos', { maxRecords: 60 }));
      expect(ids).toHaveLength(60);
      expect(pages.map((p) => p.items.length)).toEqual([50, 10]);
      expect(unitsOf(charges)).toBe(1 + 2 * 2);
      const sizes = sandbox.admin.log({ api: 'youtube.playlistItems.list' }).entries.map((entry) => entry.query.maxResults);
      expect(sizes).toEqual(['50', '10']);
    });

    it('resumes from a cursor without reading the channel again, and without repeating an item', async () => {
      const first = await pull(newAdapter(), connect('alice').ctx, plan(newAdapter(), 'videos'), undefined, 1);
      expect(first.ids).toHaveLength(50);
      sandbox.admin.clearLog();

      // A new process: nothing remembered.
      const adapter = newAdapter();
      const { ctx, charges } = connect('alice');
      const rest = await pull(adapter, ctx, plan(adapter, 'videos'), first.cursor);
      expect(served('channels.list')).toBe(0);
      expect(unitsOf(charges)).toBe(2 * 2);
      expect(rest.ids).toHaveLength(87);
      expect(unique([...first.ids, ...rest.ids])).toBe(true);
    });

    it('restarts the uploads list when YouTube refuses the saved page token, skipping what was exported', async () => {
      const first = await pull(newAdapter(), connect('alice').ctx, plan(newAdapter(), 'videos'), undefined, 1);
      const saved = JSON.parse(first.cursor as string) as { list: object };
      const stale = JSON.stringify({ ...saved, list: { ...saved.list, token: 'stale-token' } });
      sandbox.admin.clearLog();

      const adapter = newAdapter();
      const { ctx } = connect('alice');
      const rest = await pull(adapter, ctx, plan(adapter, 'videos'), stale);
      expect(rest.ids).toHaveLength(87);
      expect(unique([...first.ids, ...rest.ids])).toBe(true);
      expect(rest.warnings).toEqual([expect.stringContaining('refused the saved page token of the uploads playlist (invalidPageToken)')]);
      // The refused token, page 1 again (all of it exported before, so no videos.list for it), pages 2 and 3.
      expect(served('playlistItems.list')).toBe(4);
      expect(served('videos.list')).toBe(2);
    });

    it('skips an upload that videos.list does not return, with a warning', async () => {
      sandbox.admin.addFault({
        match: { api: 'videos.list' },
        respond: { status: 200, body: { kind: 'youtube#videoListResponse', items: [], pageInfo: { totalResults: 0, resultsPerPage: 0 } } },
      });
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      const { ids, warnings } = await pull(adapter, ctx, plan(adapter, 'videos'));
      expect(ids).toHaveLength(87);
      expect(warnings).toEqual([expect.stringMatching(/^50 upload\(s\) skipped because videos\.list did not return them/)]);
    });

    it('asks once more for a malformed page, and gives up with MalformedResponseError when it stays malformed', async () => {
      sandbox.admin.addFault({ match: { api: 'playlistItems.list', page: 2 }, respond: 'null-items' });
      const adapter = newAdapter();
      const once = connect('alice');
      expect((await pull(adapter, once.ctx, plan(adapter, 'videos'))).ids).toHaveLength(137);
      expect(unitsOf(once.charges)).toBe(1 + 2 * 3 + 1);

      sandbox.admin.addFault({ match: { api: 'playlistItems.list' }, respond: 'error-200', times: 2 });
      await expect(pull(adapter, connect('alice').ctx, plan(adapter, 'videos'))).rejects.toBeInstanceOf(MalformedResponseError);
    });

    it('stops with QuotaExceededError at midnight Pacific when the quota runs out, and resumes from the last cursor', async () => {
      sandbox.admin.setQuota({ account: 'alice', remaining: 4 });
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      const pages: Page[] = [];
      const error: unknown = await (async () => {
        for await (const page of adapter.pages(ctx, plan(adapter, 'videos'))) pages.push(page);
      })().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect((error as QuotaExceededError).resetsAt).toEqual(nextMidnight('America/Los_Angeles', new Date()));
      expect(pages).toHaveLength(1);

      sandbox.admin.setQuota({ account: 'alice', remaining: 10_000 });
      const rest = await pull(adapter, ctx, plan(adapter, 'videos'), pages[0].cursor);
      expect(unique([...pages[0].items.map((i) => i.id), ...rest.ids])).toBe(true);
      expect(pages[0].items.length + rest.ids.length).toBe(137);
    });

    it('pages a 20,000-video channel to the end for 1 + 2·400 units, and warns when the uploads list stops short', async () => {
      sandbox.admin.createAccount({ key: 'big', videos: 20_000, playlists: 0, maxThreadsPerVideo: 0, hostileText: false });
      const adapter = newAdapter();
      const { ctx, charges } = connect('big');
      const seen = new Set<string>();
      let pages = 0;
      for await (const page of adapter.pages(ctx, plan(adapter, 'videos'))) {
        for (const item of page.items) seen.add(item.id);
        pages++;
        expect(page.warnings).toEqual([]);
      }
      expect(seen.size).toBe(20_000);
      expect(pages).toBe(400);
      expect(unitsOf(charges)).toBe(801);

      sandbox.admin.createAccount({ key: 'capped', videos: 120, uploadsLimit: 100, playlists: 0, maxThreadsPerVideo: 0 });
      const capped = await pull(adapter, connect('capped').ctx, plan(adapter, 'videos'));
      expect(capped.ids).toHaveLength(100);
      expect(capped.warnings).toEqual([expect.stringContaining('reports 120 videos but its uploads playlist listed 100')]);
    });
  });

  describe('credentials', () => {
    it('refreshes a token that dies mid-export once, saves it, and goes on', async () => {
      const adapter = newAdapter();
      const { ctx, saves } = connect('alice');
      sandbox.admin.expireTokens({ account: 'alice', afterCalls: 3 });
      const { ids } = await pull(adapter, ctx, plan(adapter, 'videos'));
      expect(ids).toHaveLength(137);
      expect(saves).toHaveLength(1);
      expect(sandbox.admin.log().counts['oauth.token']).toBe(1);
    });

    it('keeps the channel it read across a refresh: the next collection does not ask for it again', async () => {
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      sandbox.admin.expireTokens({ account: 'alice', afterCalls: 2 });
      await pull(adapter, ctx, plan(adapter, 'videos'));
      await pull(adapter, ctx, plan(adapter, 'comments'));
      expect(sandbox.admin.log().counts['oauth.token']).toBe(1);
      expect(served('channels.list')).toBe(1);
    });

    it('stops with CredentialsRejectedError when the grant was revoked', async () => {
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      sandbox.admin.invalidateGrants({ account: 'alice' });
      await expect(pull(adapter, ctx, plan(adapter, 'videos'))).rejects.toMatchObject({
        name: 'CredentialsRejectedError',
        reason: 'invalid_grant',
        code: 'PLATFORM_NOT_CONNECTED',
      });
    });
  });

  describe('playlists', () => {
    it('gives each playlist its best thumbnail, and pages entries playlist by playlist', async () => {
      const adapter = newAdapter();
      const { ctx } = connect('alice');
      const { items } = await pull(adapter, ctx, plan(adapter, 'playlists'));
      for (const playlist of items) {
        expect(playlist.media).toHaveLength(1);
        expect(playlist.media?.[0].kind).toBe('thumbnail');
        expect(playlist.data).toMatchObject({ id: playlist.id, itemCount: expect.any(Number), raw: { kind: 'youtube#playlist' } });
      }

      const entries = await pull(adapter, ctx, plan(adapter, 'playlist-items'));
      // 12, then 50 + 7, then an empty playlist.
      expect(entries.pages.map((p) => p.items.length)).toEqual([12, 50, 7, 0]);
      expect(entries.items[0].data).toMatchObject({ playlistId: expect.stringMatching(/^PL/), position: 0, videoId: expect.any(String) });
    });

    it('skips a playlist YouTube refuses, with a warning, and goes on with the others', async () => {
      const refused = sandbox.admin.account('alice').playlists[1].id;
      sandbox.admin.addFault({
        match: { api: 'playlistItems.list', query: { playlistId: refused } },
        respond: { status: 404, reason: 'playlistNotFound', message: 'The playlist identified with the request playlistId parameter cannot be found.' },
      });
      const adapter = newAdapter();
      const { items, warnings } = await pull(adapter, connect('alice').ctx, plan(adapter, 'playlist-items'));
      expect(items).toHaveLength(12);
      expect(warnings).toEqual([`playlist ${refused} skipped: YouTube refused its entries (playlistNotFound)`]);
    });

    it('resumes inside a playlist from the cursor alone', async () => {
      const adapter = newAdapter();
      const first = await pull(adapter, connect('alice').ctx, plan(adapter, 'playlist-items'), undefined, 2);
      sandbox.admin.clearLog();
      const rest = await pull(newAdapter(), connect('alice').ctx, plan(adapter, 'playlist-items'), first.cursor);
      expect(served('playlists.list')).toBe(0);
      expect(first.ids.length + rest.ids.length).toBe(69);
      expect(unique([...first.ids, ...rest.ids])).toBe(true);
    });
  });

  describe('comments', () => {
    it('reads the replies a thread does not embed from comments.list, and ends with a warning when comments are off', async () => {
      const adapter = newAdapter();
      const { items } = await pull(adapter, connect('alice').ctx, plan(adapter, 'comments'));
      const replyPages = sandbox.admin.log({ api: 'youtube.comments.list' }).entries;
      expect(replyPages.length).toBeGreaterThan(0);
      for (const entry of replyPages) expect(entry.query).toMatchObject({ part: 'snippet', maxResults: '100' });
      const reply = items.find((item) => item.data.parentId !== null) as ExportItem;
      expect(reply.data).toMatchObject({ threadId: reply.data.parentId, videoId: expect.any(String), publishedAt: expect.any(String) });

      sandbox.admin.addFault({ match: { api: 'commentThreads.list' }, respond: { status: 403, reason: 'commentsDisabled' } });
      const off = await pull(adapter, connect('alice').ctx, plan(adapter, 'comments'));
      expect(off.items).toEqual([]);
      expect(off.warnings).toEqual(["the channel's comments could not be read (commentsDisabled)"]);
    });

    it('keeps comments inside the date window only, without extra calls', async () => {
      const adapter = newAdapter();
      const full = connect('alice');
      const all = await pull(adapter, full.ctx, plan(adapter, 'comments'));
      const days = all.items.map((item) => (item.data.publishedAt as string).slice(0, 10)).sort();
      const dateRange = { start: days[Math.floor(days.length / 3)], end: days[Math.floor((2 * days.length) / 3)] };
      const windowed = connect('alice');
      const some = await pull(adapter, windowed.ctx, plan(adapter, 'comments', { dateRange }));
      const expected = all.items.filter((item) => {
        const day = (item.data.publishedAt as string).slice(0, 10);
        return day >= dateRange.start && day <= dateRange.end;
      });
      expect(some.ids).toEqual(expected.map((item) => item.id));
      expect(some.ids.length).toBeLessThan(all.ids.length);
      expect(unitsOf(windowed.charges)).toBe(unitsOf(full.charges));
    });
  });

  describe('subscriptions', () => {
    it('exports every subscription once, and restarts without duplicates when the saved token is refused', async () => {
      const adapter = newAdapter();
      const all = await pull(adapter, connect('alice').ctx, plan(adapter, 'subscriptions', { maxRecords: 100 }));
      expect(all.ids).toHaveLength(31);
      expect(all.items[0].data).toMatchObject({ channelId: expect.stringMatching(/^UC/), subscribedAt: expect.any(String) });

      // maxRecords asks for no more than it keeps, and ends the collection there.
      const first = await pull(adapter, connect('alice').ctx, plan(adapter, 'subscriptions', { maxRecords: 10 }));
      expect(first.pages).toHaveLength(1);
      expect(first.ids).toEqual(all.ids.slice(0, 10));
      expect(sandbox.admin.log({ api: 'youtube.subscriptions.list' }).entries.at(-1)?.query.maxResults).toBe('10');

      // What a run that stopped after those 10 would have saved, with a token YouTube no longer takes.
      const cursor = JSON.stringify({ v: 1, c: 'subscriptions', list: { token: 'stale-token', mark: { id: all.ids[9] } }, delivered: 10 });
      const rest = await pull(adapter, connect('alice').ctx, plan(adapter, 'subscriptions'), cursor);
      expect(rest.ids).toEqual(all.ids.slice(10));
      expect(rest.warnings).toEqual([expect.stringContaining('refused the saved page token of your subscriptions')]);
    });
  });

  it('estimates units and items from the channel, which the export then reuses', async () => {
    const adapter = newAdapter();
    const { ctx, charges } = connect('alice');
    await expect(adapter.estimate(ctx, {})).resolves.toEqual({ units: 1 + 2 * 3 + 1 + 1 + 1 + 1, items: 1 + 137 });
    await expect(adapter.estimate(ctx, { maxRecords: 40, collections: ['videos'] })).resolves.toEqual({ units: 1 + 2, items: 40 });
    await pull(adapter, ctx, plan(adapter, 'profile'));
    await pull(adapter, ctx, plan(adapter, 'videos'));
    expect(charges.filter((c) => c.operation === 'channels.list')).toHaveLength(1);
  });
});
