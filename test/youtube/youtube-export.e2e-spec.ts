import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import type { Archive } from '../support/archive';
import { completed, startExport } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import {
  AccountIds,
  COLLECTIONS,
  apiCalls,
  connectYouTube,
  count,
  expectEveryItemOnce,
  freshAccount,
  repeatedPages,
  sandboxIds,
  startYouTubeHarness,
  unitsToday,
  youtubeStatus,
} from './youtube-support';
import { Manifest, archiveIds } from '../support/archive';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every file the manifest lists is in the archive with that size and sha256. */
function expectManifestFiles(archive: Archive, manifest: Manifest): void {
  for (const file of manifest.files) {
    const bytes = readFileSync(join(archive.dir, file.name));
    expect({ name: file.name, bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ name: file.name, bytes: file.bytes, sha256: file.sha256 });
  }
}

/** 1 + 2·⌈N/50⌉: channels.list, then one playlistItems.list page and one videos.list per 50 uploads. */
const videosUnits = (videos: number): number => 1 + 2 * Math.ceil(videos / 50);

/**
 * Complete YouTube exports through the whole service (HTTP, queue, worker, pipeline, writers) against
 * the platform sandbox: every collection, every format, with and without media, and the quota each
 * export spends as the sandbox counts it.
 */
describe('YouTube exports', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  /** 137 videos (pages end short), playlists of 12, 57 and 0 entries, comments with up to 12 replies. */
  let alice: AccountIds;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startYouTubeHarness((started) => ({
      // The sandbox serves thumbnails and the watch page yt-dlp reads; an IP literal with its port opens loopback.
      MEDIA_ALLOWED_HOSTS: `127.0.0.1:${started.port}`,
      YOUTUBE_WATCH_URL: `${started.url}/watch`,
      YTDLP_PATH: '/usr/bin/yt-dlp',
    })));
    alice = await sandboxIds(sandbox, 'alice');
  }, 600_000);
  afterAll(async () => {
    await stop?.();
  });

  describe.each(['json', 'csv', 'html'])('as %s', (format) => {
    it('holds every item of every collection exactly once, and the manifest counts them', async () => {
      const user = await connectYouTube(t, sandbox, 'alice');
      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format });
      const done = await completed(t, user, id);
      const total = COLLECTIONS.reduce((sum, collection) => sum + alice[collection].length, 0);
      expect(done).toMatchObject({ progress: 100, processedItems: total, totalItems: total, warnings: [] });

      await withArchive(t, user, id, (archive) => {
        const manifest = archive.json<Manifest>('manifest.json');
        expect(manifest).toMatchObject({ schemaVersion: 1, platform: 'youtube', format, account: { id: alice.channelId } });
        expectEveryItemOnce(archive, format, alice);
        expectManifestFiles(archive, manifest);
        expect(archive.json<unknown[]>('errors.json')).toEqual([]);
        expect(archive.files.filter((name) => name.startsWith('media/'))).toEqual([]);
      });
      // Nothing was asked for twice.
      expect(repeatedPages(apiCalls(sandbox, 'alice', since))).toEqual([]);
    });
  });

  describe('with media', () => {
    /** A small channel: yt-dlp runs once per video. */
    let mia: AccountIds;
    beforeAll(async () => {
      mia = await freshAccount(sandbox, {
        key: 'mia',
        videos: 4,
        playlistSizes: [3, 0],
        likes: 0,
        subscriptions: 3,
        maxThreadsPerVideo: 1,
        maxRepliesPerThread: 2,
      });
    });

    it.each(['json', 'csv', 'html'])('as %s: thumbnails through the media helper, video files through yt-dlp', async (format) => {
      const user = await connectYouTube(t, sandbox, 'mia');
      const id = await startExport(t, user, { format, options: { includeMedia: true } });
      await completed(t, user, id, 90_000);
      await withArchive(t, user, id, async (archive) => {
        const manifest = archive.json<Manifest>('manifest.json');
        expectEveryItemOnce(archive, format, mia);
        expectManifestFiles(archive, manifest);
        expect(archive.json<unknown[]>('errors.json')).toEqual([]);

        for (const video of mia.videos) {
          // The thumbnail is the largest one the API names, byte for byte.
          const thumbnail = Buffer.from(await (await fetch(`${sandbox.url}/vi/${video}/maxresdefault.jpg`)).arrayBuffer());
          expect(sha256(readFileSync(join(archive.dir, `media/videos/${video}-0.jpg`)))).toBe(sha256(thumbnail));
          // The video file is what the sandbox's watch page plays (private videos have none to fetch).
          if (mia.videoPrivacy.get(video) !== 'private') {
            const clip = Buffer.from(await (await fetch(`${sandbox.url}/media/videos/${video}.mp4`)).arrayBuffer());
            expect(sha256(readFileSync(join(archive.dir, `media/videos/${video}-1.mp4`)))).toBe(sha256(clip));
          }
        }
        expect(archive.files).toContain(`media/profile/${mia.channelId}-0.png`);
        for (const playlist of mia.playlists) expect(archive.files).toContain(`media/playlists/${playlist}-0.jpg`);
        if (format === 'html') {
          const page = archive.read('html/videos-1.html');
          for (const video of mia.videos) expect(page).toContain(`<img src="../media/videos/${video}-0.jpg"`);
        }
      });
    });
  });

  describe('quota', () => {
    let quinn: AccountIds;
    beforeAll(async () => {
      quinn = await freshAccount(sandbox, { key: 'quinn', videos: 137, playlists: 1, subscriptions: 4 });
    });

    it('spends exactly the promised minimum, and the status reports what the sandbox counted', async () => {
      const before = sandbox.admin.log().lastSeq;
      const user = await connectYouTube(t, sandbox, 'quinn');
      // The connect checks the tokens: tokeninfo (not a Data API call, no units) and channels.list (1 unit).
      const connect = apiCalls(sandbox, 'quinn', before);
      expect(connect.map((entry) => `${entry.api} ${entry.units}`)).toEqual(['youtube.channels.list 1']);
      expect(unitsToday(sandbox, 'quinn')).toBe(1);
      const since = sandbox.admin.log().lastSeq;

      // The start's estimate (the channel's video count), the worker's account check and the uploads
      // playlist id all come from the channel the connect just read (remembered for a few minutes): the
      // export is 3 uploads pages and 3 videos.list, and connect and export together cost exactly the
      // minimum, 1 + 2·⌈137/50⌉ = 7 units.
      const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'] } });
      await completed(t, user, id);
      const calls = apiCalls(sandbox, 'quinn', since);
      expect(calls.every((entry) => entry.status === 200)).toBe(true);
      expect(count(calls, 'channels.list')).toBe(0);
      expect(count(calls, 'playlistItems.list')).toBe(3);
      expect(count(calls, 'videos.list')).toBe(3);
      expect(calls).toHaveLength(6);
      expect(unitsToday(sandbox, 'quinn')).toBe(videosUnits(quinn.videos.length));
      expect(unitsToday(sandbox, 'quinn')).toBe(7);

      const status = await youtubeStatus(t, user);
      expect(status.quotaUsage).toMatchObject({ used: unitsToday(sandbox, 'quinn'), limit: 10_000 });

      await withArchive(t, user, id, (archive) => {
        const videos = archiveIds(archive, 'json', 'videos');
        expect(videos).toEqual(quinn.videos);
        expect(archive.json<Manifest>('manifest.json').counts).toEqual({ videos: quinn.videos.length });
      });
    });

    it('a dateRange stops the uploads list early: fewer units, only the videos of those days', async () => {
      sandbox.admin.resetAccount('quinn');
      const user = await connectYouTube(t, sandbox, 'quinn');
      // Uploads are newest first: a window over uploads 10 to 29 ends the list on its first page.
      const dayOf = (index: number): string => (quinn.videoDates.get(quinn.videos[index]) ?? '').slice(0, 10);
      const dateRange = { start: dayOf(29), end: dayOf(10) };
      const expected = quinn.videos.filter((video) => {
        const day = (quinn.videoDates.get(video) ?? '').slice(0, 10);
        return day >= dateRange.start && day <= dateRange.end;
      });
      expect(expected.length).toBeGreaterThanOrEqual(20);
      expect(quinn.videos.indexOf(expected[expected.length - 1])).toBeLessThan(49);

      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'], dateRange } });
      const done = await completed(t, user, id);
      expect(done.processedItems).toBe(expected.length);
      const calls = apiCalls(sandbox, 'quinn', since);
      // The first uploads page and one videos.list for the kept entries: 2 units, not 6 (the channel is
      // the one the connect read).
      expect(calls.map((entry) => entry.api)).toEqual(['youtube.playlistItems.list', 'youtube.videos.list']);
      const spent = unitsToday(sandbox, 'quinn') - 1;
      expect(spent).toBe(2);
      expect(spent).toBeLessThan(videosUnits(quinn.videos.length));

      await withArchive(t, user, id, (archive) => {
        expect(archiveIds(archive, 'json', 'videos')).toEqual(expected);
      });
    });

    it('maxRecords stops at the page that completes it and asks for no more than it needs', async () => {
      sandbox.admin.resetAccount('quinn');
      const user = await connectYouTube(t, sandbox, 'quinn');
      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format: 'csv', options: { collections: ['videos'], maxRecords: 60 } });
      const done = await completed(t, user, id);
      expect(done).toMatchObject({ processedItems: 60, totalItems: 60 });
      const pages = apiCalls(sandbox, 'quinn', since).filter((entry) => entry.api === 'youtube.playlistItems.list');
      // 50, then only the 10 still wanted.
      expect(pages.map((entry) => entry.query.maxResults)).toEqual(['50', '10']);
      // 2 × (playlistItems.list + videos.list) = 4 units, not 6.
      const spent = unitsToday(sandbox, 'quinn') - 1;
      expect(spent).toBe(4);
      expect(spent).toBeLessThan(videosUnits(quinn.videos.length));

      await withArchive(t, user, id, (archive) => {
        expect(archiveIds(archive, 'csv', 'videos')).toEqual(quinn.videos.slice(0, 60));
      });
    });

    it('maxRecords across collections leaves the later ones empty without asking YouTube for them', async () => {
      sandbox.admin.resetAccount('quinn');
      const user = await connectYouTube(t, sandbox, 'quinn');
      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format: 'json', options: { maxRecords: 40 } });
      const done = await completed(t, user, id);
      expect(done.processedItems).toBe(40);
      const calls = apiCalls(sandbox, 'quinn', since);
      expect(calls.map((entry) => entry.api)).toEqual(['youtube.playlistItems.list', 'youtube.videos.list']);
      // The adapter sizes its page by the whole cap (it does not know the profile took one); 1 unit either way.
      expect(Number(calls[0].query.maxResults)).toBeLessThanOrEqual(40);
      expect(unitsToday(sandbox, 'quinn')).toBe(1 + 2);

      await withArchive(t, user, id, (archive) => {
        const manifest = archive.json<Manifest>('manifest.json');
        expect(manifest.counts).toEqual({ profile: 1, videos: 39, playlists: 0, 'playlist-items': 0, comments: 0, subscriptions: 0 });
        expect(archiveIds(archive, 'json', 'videos')).toEqual(quinn.videos.slice(0, 39));
      });
    });
  });
});
