import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { ApiBody, Item, YouTubeCall, admin, getJson, pageAll, youtube } from './sandbox-client';

interface Summary {
  channelId: string;
  uploadsPlaylistId: string;
  sampleVideoIds: string[];
  playlists: { id: string; size: number }[];
}

describe('platform sandbox: YouTube Data API v3', () => {
  let sandbox: RunningSandbox;
  let yt: YouTubeCall;
  let alice: Summary;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'alice' }).access_token);
    alice = sandbox.admin.account('alice') as unknown as Summary;
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await admin(sandbox, 'DELETE', '/log');
    await admin(sandbox, 'DELETE', '/faults');
  });

  it('finds the uploads playlist through channels.list and pages it exactly once per page, newest first', async () => {
    const channel = await yt('channels', { part: 'contentDetails', mine: 'true' });
    expect(channel.status).toBe(200);
    expect(channel.body.kind).toBe('youtube#channelListResponse');
    const uploads = channel.body.items[0].contentDetails?.relatedPlaylists?.uploads as string;
    expect(uploads).toBe(`UU${alice.channelId.slice(2)}`);

    const { items, pages } = await pageAll(yt, 'playlistItems', { part: 'snippet,contentDetails', playlistId: uploads, maxResults: 50 });
    expect(pages).toBe(3); // 137 = 50 + 50 + 37
    expect(items).toHaveLength(137);
    const ids = items.map((i) => i.contentDetails?.videoId);
    expect(new Set(ids).size).toBe(137);
    expect(items.map((i) => i.snippet?.position)).toEqual([...Array(137).keys()]);
    const times = items.map((i) => Date.parse(i.contentDetails?.videoPublishedAt as string));
    expect(times.every((t, i) => i === 0 || t < times[i - 1])).toBe(true);

    const log = await admin<{ entries: { api: string; query: Record<string, string> }[] }>(sandbox, 'GET', '/log?api=youtube.playlistItems.list');
    const tokens = log.body.entries.map((e) => e.query.pageToken ?? '');
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(3);
  });

  it('returns only the requested parts, plus kind, etag and id', async () => {
    const res = await yt('videos', { part: 'statistics', id: alice.sampleVideoIds.join(',') });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(alice.sampleVideoIds.length);
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(['etag', 'id', 'kind', 'statistics']);
      expect(item.statistics?.viewCount).toMatch(/^\d+$/); // statistics are strings, as Google sends them
    }
    const idOnly = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId });
    expect(Object.keys(idOnly.body.items[0]).sort()).toEqual(['etag', 'id', 'kind']);
    expect(idOnly.body.items).toHaveLength(5); // default maxResults
    expect(idOnly.body.pageInfo).toEqual({ totalResults: 137, resultsPerPage: 5 });
  });

  it('refuses an unknown or missing part the way Google does', async () => {
    const unknown = await yt('videos', { part: 'snippet,statistic', id: alice.sampleVideoIds[0] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({
      code: 400,
      message: "'statistic'",
      errors: [{ message: "'statistic'", domain: 'youtube.part', reason: 'unknownPart', location: 'part', locationType: 'parameter' }],
    });
    const missing = await yt('videos', { id: alice.sampleVideoIds[0] });
    expect(missing.status).toBe(400);
    expect(missing.body.error?.errors[0]).toMatchObject({ reason: 'required', location: 'part' });
    // Google escapes HTML-sensitive characters inside JSON strings.
    expect(unknown.text).toContain('\\u0027statistic\\u0027');
  });

  it('enforces maxResults ranges per method', async () => {
    const over = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 51 });
    expect(over.status).toBe(400);
    expect(over.body.error?.errors[0]).toMatchObject({ reason: 'invalidParameter', location: 'maxResults' });
    expect(over.body.error?.message).toBe("Invalid value '51'. Values must be within the range: [0, 50]");
    const zero = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 0 });
    expect(zero.status).toBe(200);
    expect(zero.body.items).toEqual([]);
    expect(zero.body.nextPageToken).toBeUndefined();

    const threads = await yt('commentThreads', { part: 'id', allThreadsRelatedToChannelId: alice.channelId, maxResults: 100 });
    expect(threads.status).toBe(200);
    expect(threads.body.pageInfo.resultsPerPage).toBe(100);
    const defaultThreads = await yt('commentThreads', { part: 'id', allThreadsRelatedToChannelId: alice.channelId });
    expect(defaultThreads.body.items).toHaveLength(20);
    expect((await yt('commentThreads', { part: 'id', allThreadsRelatedToChannelId: alice.channelId, maxResults: 101 })).status).toBe(400);
    expect((await yt('commentThreads', { part: 'id', allThreadsRelatedToChannelId: alice.channelId, maxResults: 0 })).status).toBe(400);
    expect((await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 'ten' })).status).toBe(400);
  });

  it('caps videos.list at 50 ids', async () => {
    const { items } = await pageAll(yt, 'playlistItems', { part: 'contentDetails', playlistId: alice.uploadsPlaylistId, maxResults: 50 });
    const ids = items.map((i) => i.contentDetails?.videoId as string);
    const fifty = await yt('videos', { part: 'id', id: ids.slice(0, 50).join(',') });
    expect(fifty.status).toBe(200);
    // Private videos are visible to their owner, so all 50 come back.
    expect(fifty.body.items.map((i) => i.id).sort()).toEqual(ids.slice(0, 50).sort());
    const fiftyOne = await yt('videos', { part: 'id', id: ids.slice(0, 51).join(',') });
    expect(fiftyOne.status).toBe(400);
    expect(fiftyOne.body.error?.errors[0].reason).toBe('invalidFilters');
    const unknown = await yt('videos', { part: 'id', id: 'AAAAAAAAAAA' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.items).toEqual([]);
  });

  it('pages back with prevPageToken and rejects a forged pageToken', async () => {
    const first = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 10 });
    expect(first.body.prevPageToken).toBeUndefined();
    const second = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 10, pageToken: first.body.nextPageToken as string });
    const back = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, maxResults: 10, pageToken: second.body.prevPageToken as string });
    expect(back.body.items.map((i) => i.id)).toEqual(first.body.items.map((i) => i.id));
    const forged = await yt('playlistItems', { part: 'id', playlistId: alice.uploadsPlaylistId, pageToken: 'not-a-token' });
    expect(forged.status).toBe(400);
    expect(forged.body.error?.errors[0]).toMatchObject({ reason: 'invalidPageToken', domain: 'youtube.parameter' });
  });

  it('serves playlists, likes and subscriptions of the authorised user', async () => {
    const playlists = await pageAll(yt, 'playlists', { part: 'snippet,contentDetails,status', mine: 'true', maxResults: 2 });
    expect(playlists.items.map((p) => p.id)).toEqual(alice.playlists.map((p) => p.id));
    expect(playlists.items.map((p) => p.contentDetails?.itemCount)).toEqual([12, 57, 0]);
    for (const playlist of alice.playlists) {
      const { items } = await pageAll(yt, 'playlistItems', { part: 'snippet,status', playlistId: playlist.id, maxResults: 50 });
      expect(items).toHaveLength(playlist.size);
    }
    const likes = await pageAll(yt, 'playlistItems', { part: 'snippet,status', playlistId: 'LL', maxResults: 50 });
    expect(likes.items).toHaveLength(23);
    const subscriptions = await pageAll(yt, 'subscriptions', { part: 'snippet,contentDetails', mine: 'true', maxResults: 50 });
    expect(subscriptions.items).toHaveLength(31);
    const subscribed = subscriptions.items.map((s) => s.snippet?.resourceId?.channelId);
    expect(new Set(subscribed).size).toBe(31);
    // Subscribed channels resolve through channels.list.
    const channels = await yt('channels', { part: 'snippet', id: subscribed.slice(0, 5).join(',') });
    expect(channels.body.items).toHaveLength(5);
  });

  it('lists comment threads with embedded replies and pages the rest through comments.list', async () => {
    const all = await pageAll(yt, 'commentThreads', { part: 'snippet,replies', allThreadsRelatedToChannelId: alice.channelId, maxResults: 100 });
    const summary = await admin<{ commentThreads: number }>(sandbox, 'GET', '/accounts/alice');
    expect(all.items).toHaveLength(summary.body.commentThreads);
    expect(new Set(all.items.map((t) => t.id)).size).toBe(all.items.length);
    const times = all.items.map((t) => Date.parse(t.snippet?.topLevelComment?.snippet?.publishedAt as string));
    expect(times.every((t, i) => i === 0 || t <= times[i - 1])).toBe(true); // newest first

    const big = all.items.find((t) => (t.snippet?.totalReplyCount ?? 0) > 5) as Item;
    expect(big).toBeDefined();
    expect(big.replies?.comments).toHaveLength(5); // a subset, as YouTube embeds
    const replies = await pageAll(yt, 'comments', { part: 'snippet', parentId: big.id, maxResults: 3 });
    expect(replies.items).toHaveLength(big.snippet?.totalReplyCount as number);
    expect(replies.items.every((r) => r.snippet?.parentId === big.id && r.id.startsWith(`${big.id}.`))).toBe(true);

    // Per video, the threads add up to the channel-wide listing.
    const videoId = big.snippet?.videoId as string;
    const perVideo = await pageAll(yt, 'commentThreads', { part: 'id', videoId, maxResults: 100 });
    expect(perVideo.items.map((t) => t.id)).toEqual(all.items.filter((t) => t.snippet?.videoId === videoId).map((t) => t.id));
    const stats = await yt('videos', { part: 'statistics', id: videoId });
    const expected = all.items.filter((t) => t.snippet?.videoId === videoId).reduce((n, t) => n + 1 + (t.snippet?.totalReplyCount ?? 0), 0);
    expect(stats.body.items[0].statistics?.commentCount).toBe(String(expected));
  });

  it('reports disabled comments with commentsDisabled', async () => {
    const { items } = await pageAll(yt, 'playlistItems', { part: 'contentDetails', playlistId: alice.uploadsPlaylistId, maxResults: 50 });
    const videos = await yt('videos', { part: 'statistics', id: items.slice(0, 50).map((i) => i.contentDetails?.videoId).join(',') });
    const disabled = videos.body.items.find((v) => v.statistics?.commentCount === undefined) as Item;
    expect(disabled).toBeDefined();
    const res = await yt('commentThreads', { part: 'id', videoId: disabled.id });
    expect(res.status).toBe(403);
    expect(res.body.error?.errors[0]).toMatchObject({ reason: 'commentsDisabled', domain: 'youtube.commentThread' });
  });

  it('answers unknown playlists, videos and filters with Google errors', async () => {
    const playlist = await yt('playlistItems', { part: 'id', playlistId: 'PLdoesnotexistdoesnotexist12345678' });
    expect(playlist.status).toBe(404);
    expect(playlist.body.error?.errors[0].reason).toBe('playlistNotFound');
    const video = await yt('commentThreads', { part: 'id', videoId: 'AAAAAAAAAAA' });
    expect(video.status).toBe(404);
    expect(video.body.error?.errors[0].reason).toBe('videoNotFound');
    const noFilter = await yt('channels', { part: 'id' });
    expect(noFilter.status).toBe(400);
    expect(noFilter.body.error?.errors[0].reason).toBe('missingRequiredParameter');
  });

  it('puts sandbox media URLs in thumbnails', async () => {
    const res = await yt('videos', { part: 'snippet', id: alice.sampleVideoIds[0] });
    const thumbnails = res.body.items[0].snippet?.thumbnails ?? {};
    expect(thumbnails.default).toEqual({ url: `${sandbox.url}/vi/${alice.sampleVideoIds[0]}/default.jpg`, width: 120, height: 90 });
    expect(thumbnails.high.url).toBe(`${sandbox.url}/vi/${alice.sampleVideoIds[0]}/hqdefault.jpg`);
  });

  it('supports the fields parameter and prettyPrint=false', async () => {
    const res = await yt('playlistItems', {
      part: 'snippet',
      playlistId: alice.uploadsPlaylistId,
      fields: 'nextPageToken,items(snippet/title,snippet/resourceId/videoId)',
      prettyPrint: 'false',
    });
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextPageToken']);
    expect(Object.keys(res.body.items[0])).toEqual(['snippet']);
    expect(Object.keys(res.body.items[0].snippet ?? {}).sort()).toEqual(['resourceId', 'title']);
    expect(res.text).not.toContain('\n  ');
  });

  it('has no channel for an account without one, and omits items as Google does', async () => {
    const carol = youtube(sandbox, sandbox.admin.issueTokens({ account: 'carol' }).access_token);
    const res = await carol('channels', { part: 'snippet', mine: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('items');
    expect(res.body.pageInfo.totalResults).toBe(0);
  });

  it('serves a channel with no videos', async () => {
    const bob = youtube(sandbox, sandbox.admin.issueTokens({ account: 'bob' }).access_token);
    const channel = await bob('channels', { part: 'contentDetails,statistics', mine: 'true' });
    expect(channel.body.items[0].statistics?.videoCount).toBe('0');
    const uploads = await bob('playlistItems', { part: 'snippet', playlistId: channel.body.items[0].contentDetails?.relatedPlaylists?.uploads as string, maxResults: 50 });
    expect(uploads.status).toBe(200);
    expect(uploads.body.items).toEqual([]);
    expect(uploads.body.nextPageToken).toBeUndefined();
    expect(uploads.body.pageInfo.totalResults).toBe(0);
    const threads = await bob('commentThreads', { part: 'id', allThreadsRelatedToChannelId: channel.body.items[0].id });
    expect(threads.body.items).toEqual([]);
  });

  it('generates the same data from the same seed', async () => {
    const spec = { key: 'dora', seed: 'seed-42', videos: 120, playlists: 2 };
    const other = await startSandbox({ port: 0, accounts: [spec] });
    try {
      const mine = await admin<Summary>(sandbox, 'POST', '/accounts', spec);
      expect(mine.status).toBe(201);
      const theirs = other.admin.account('dora');
      expect(mine.body.channelId).toBe(theirs.channelId);
      const a = await pageAll(youtube(sandbox, sandbox.admin.issueTokens({ account: 'dora' }).access_token), 'playlistItems', {
        part: 'snippet',
        playlistId: mine.body.uploadsPlaylistId,
        maxResults: 50,
      });
      const b = await pageAll(youtube(other, other.admin.issueTokens({ account: 'dora' }).access_token), 'playlistItems', {
        part: 'snippet',
        playlistId: theirs.uploadsPlaylistId as string,
        maxResults: 50,
      });
      expect(a.items.map((i) => [i.snippet?.resourceId?.videoId, i.snippet?.title, i.snippet?.publishedAt])).toEqual(
        b.items.map((i) => [i.snippet?.resourceId?.videoId, i.snippet?.title, i.snippet?.publishedAt]),
      );
      const differentSeed = await admin<Summary>(sandbox, 'POST', '/accounts', { ...spec, key: 'erin', seed: 'seed-43' });
      expect(differentSeed.body.channelId).not.toBe(mine.body.channelId);
    } finally {
      await other.close();
      await admin(sandbox, 'DELETE', '/accounts/dora');
      await admin(sandbox, 'DELETE', '/accounts/erin');
    }
  });

  it('pages a 20,000-video channel completely', async () => {
    const created = await admin<Summary & { videos: number }>(sandbox, 'POST', '/accounts', { key: 'big', videos: 20_000, maxThreadsPerVideo: 0 });
    expect(created.body.videos).toBe(20_000);
    const big = youtube(sandbox, sandbox.admin.issueTokens({ account: 'big' }).access_token);
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    let previous = Infinity;
    do {
      const res = await big('playlistItems', {
        part: 'contentDetails',
        playlistId: created.body.uploadsPlaylistId,
        maxResults: 50,
        prettyPrint: 'false',
        ...(pageToken ? { pageToken } : {}),
      });
      expect(res.status).toBe(200);
      for (const item of res.body.items) {
        seen.add(item.contentDetails?.videoId as string);
        const t = Date.parse(item.contentDetails?.videoPublishedAt as string);
        expect(t).toBeLessThan(previous);
        previous = t;
      }
      pageToken = res.body.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(400);
    expect(seen.size).toBe(20_000);
    const log = await admin<{ counts: Record<string, number> }>(sandbox, 'GET', '/log?limit=0');
    expect(log.body.counts['youtube.playlistItems.list']).toBe(400);
    const quota = await admin<{ quota: { used: number } }>(sandbox, 'GET', '/accounts/big');
    expect(quota.body.quota.used).toBe(400);
    await admin(sandbox, 'DELETE', '/accounts/big');
  });

  it('lists the same item once per position even for a million-video channel, generated on demand', async () => {
    const created = await admin<Summary>(sandbox, 'POST', '/accounts', { key: 'huge', videos: 1_000_000 });
    const huge = youtube(sandbox, sandbox.admin.issueTokens({ account: 'huge' }).access_token);
    const last = await huge('playlistItems', { part: 'snippet', playlistId: created.body.uploadsPlaylistId, maxResults: 50, pageToken: 'CICEPRAA' });
    expect(last.status).toBe(200);
    expect(last.body.items[0].snippet?.position).toBe(999_936);
    expect(last.body.items).toHaveLength(50);
    expect(last.body.nextPageToken).toBeDefined();
    const video = await huge('videos', { part: 'snippet', id: last.body.items[0].snippet?.resourceId?.videoId as string });
    expect(video.body.items[0].snippet?.title).toBe(last.body.items[0].snippet?.title);
    await admin(sandbox, 'DELETE', '/accounts/huge');
  });

  it('can stop the uploads listing early, as YouTube does near 20,000 items', async () => {
    const created = await admin<Summary>(sandbox, 'POST', '/accounts', { key: 'capped', videos: 120, uploadsLimit: 100 });
    const capped = youtube(sandbox, sandbox.admin.issueTokens({ account: 'capped' }).access_token);
    const { items } = await pageAll(capped, 'playlistItems', { part: 'id', playlistId: created.body.uploadsPlaylistId, maxResults: 50 });
    expect(items).toHaveLength(100);
    const channel = await capped('channels', { part: 'statistics', mine: 'true' });
    expect(channel.body.items[0].statistics?.videoCount).toBe('120');
    await admin(sandbox, 'DELETE', '/accounts/capped');
  });

  it('answers unknown API paths with Google\'s 404 page', async () => {
    const res = await getJson<ApiBody>(`${sandbox.env.YOUTUBE_API_URL}/search?part=snippet`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('404.');
  });
});
