import request from 'supertest';
import { withArchive } from '../support/archive';
import { completed } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { importingUser, uploadArchive } from './import-support';
import type { ImportManifest, Row } from './import-support';
import { HTML_HISTORY_DATES, HTML_HISTORY_UTC, PLAYLIST, TAKEOUT_CHANNEL, UPLOAD, WATCHED, takeoutEntries } from './takeout-fixture';
import { buildZip } from './zip-builder';

/**
 * Google Takeouts of YouTube, in English and in German, uploaded through `POST /api/export/import`:
 * the watch and search history only Takeout has, with subscriptions, playlists, the user's comments,
 * the channel and its uploads (the file Takeout names by title, matched to its id) in the YouTube
 * adapter's records, and every file not read listed in the manifest.
 */
describe('Google Takeout (YouTube) import', () => {
  let t: TestApp;
  let user: ExportCaller;

  beforeAll(async () => {
    t = await startTestApp();
    user = await importingUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function importTakeout(zip: Buffer, form: { format?: string; options?: string } = {}): Promise<string> {
    const res = await uploadArchive(t, user, zip, { fileName: 'takeout-20240301T000000Z-001.zip', ...form });
    expect(res.body).toMatchObject({ success: true, data: { platform: 'youtube' } });
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    await completed(t, user, jobId);
    return jobId;
  }

  it('imports an English Takeout as JSON: history, subscriptions, playlists, comments, channel and the upload file', async () => {
    const jobId = await importTakeout(buildZip(takeoutEntries('en')), { options: JSON.stringify({ includeMedia: true }) });
    await withArchive(t, user, jobId, (archive) => {
      const watched = archive.json<Row[]>('watch-history.json');
      expect(watched).toHaveLength(3);
      expect(watched[0]).toMatchObject({
        videoId: WATCHED[0].videoId,
        title: WATCHED[0].title,
        url: `https://www.youtube.com/watch?v=${WATCHED[0].videoId}`,
        channelId: WATCHED[0].channelId,
        channelTitle: WATCHED[0].channel,
        watchedAt: '2024-03-01T20:15:30.123Z',
      });
      expect(watched[2]).toMatchObject({ videoId: null, watchedAt: '2023-12-24T12:00:00.000Z' });
      expect(archive.json<Row[]>('search-history.json')[0]).toMatchObject({ query: 'sourdough starter', searchedAt: '2024-03-01T20:10:00.000Z' });

      const subscriptions = archive.json<Row[]>('subscriptions.json');
      expect(subscriptions.map((row) => [row.channelId, row.title])).toEqual([
        ['UCuAXFkgsw1L7xaCfnd5JJOw', 'Rick Astley'],
        ['UC4QobU6STFB0P71PMvOGN5A', 'jawed, the first'],
      ]);
      expect(archive.json<Row[]>('playlists.json')).toEqual([
        expect.objectContaining({ id: PLAYLIST.id, title: PLAYLIST.title, publishedAt: '2022-06-01T10:00:00.000Z', privacyStatus: 'public', channelId: TAKEOUT_CHANNEL.id }),
      ]);
      expect(archive.json<Row[]>('playlist-items.json').map((row) => [row.playlistId, row.position, row.videoId, row.addedAt])).toEqual([
        [PLAYLIST.id, 0, 'dQw4w9WgXcQ', '2022-06-02T10:00:00.000Z'],
        [PLAYLIST.id, 1, 'jNQXAC9IVRw', '2022-06-03T10:00:00.000Z'],
      ]);

      const comments = archive.json<Row[]>('comments.json');
      // The text column is a JSON blob of segments; the time had an offset and is now UTC.
      expect(comments[0]).toMatchObject({ id: 'UgxCommentOne', videoId: 'dQw4w9WgXcQ', textOriginal: 'Still a classic, line two\nhere', publishedAt: '2024-01-02T12:30:00.000Z', authorDisplayName: TAKEOUT_CHANNEL.title });
      expect(comments[1]).toMatchObject({ id: 'UgxCommentTwo', parentId: 'UgxParent', textOriginal: 'Agreed' });

      expect(archive.json<Row[]>('profile.json')[0]).toMatchObject({ id: TAKEOUT_CHANNEL.id, title: TAKEOUT_CHANNEL.title });
      const [video] = archive.json<Row[]>('videos.json');
      expect(video).toMatchObject({ id: UPLOAD.id, title: UPLOAD.title, description: 'How it started,\nin two lines', duration: 'PT62S', publishedAt: '2021-05-01T10:00:00.000Z', url: `https://www.youtube.com/watch?v=${UPLOAD.id}` });
      const files = video.mediaFiles as string[];
      expect(files).toHaveLength(1);
      expect(archive.read(files[0])).toBe(UPLOAD.bytes);

      const manifest = archive.json<ImportManifest>('manifest.json');
      expect(manifest.platform).toBe('youtube');
      expect(manifest.account.id).toBe(TAKEOUT_CHANNEL.id);
      expect(manifest.counts).toMatchObject({ 'watch-history': 3, 'search-history': 1, subscriptions: 2, comments: 2, videos: 1 });
      expect(manifest.importedFrom.unknownFiles.sort()).toEqual(['Takeout/YouTube and YouTube Music/history/watch-history.html', 'Takeout/archive_browser.html']);
    });
  });

  it('imports a German Takeout (YouTube und YouTube Music/Verlauf/…) as CSV', async () => {
    const jobId = await importTakeout(buildZip(takeoutEntries('de')), { format: 'csv' });
    await withArchive(t, user, jobId, (archive) => {
      expect(archive.files).toEqual(expect.arrayContaining(['watch-history.csv', 'search-history.csv', 'subscriptions.csv', 'comments.csv', 'playlists.csv', 'playlist-items.csv']));
      const watched = archive.read('watch-history.csv');
      for (const video of WATCHED) expect(watched).toContain(video.videoId);
      // `<title> angesehen` is the German phrasing; the record holds the title alone.
      expect(watched).toContain('Never Gonna Give You Up');
      expect(watched).not.toContain('Never Gonna Give You Up angesehen,');
      expect(archive.read('search-history.csv')).toContain('sourdough starter');
      expect(archive.read('subscriptions.csv')).toContain('Rick Astley');
      expect(archive.read('playlist-items.csv')).toContain(PLAYLIST.id);
      const manifest = archive.json<ImportManifest>('manifest.json');
      expect(manifest.platform).toBe('youtube');
      expect(manifest.importedFrom.unknownFiles).toContain('Takeout/YouTube und YouTube Music/Verlauf/Wiedergabeverlauf.html');
    });
  });

  it.each([
    ['English', 'en', 'Takeout/YouTube and YouTube Music/history/watch-history.html'],
    ['German', 'de', 'Takeout/YouTube und YouTube Music/Verlauf/Wiedergabeverlauf.html'],
  ] as const)('reads the history as Takeout writes it by default, in HTML (%s), into the same records', async (_name, language, watchFile) => {
    const jobId = await importTakeout(buildZip(takeoutEntries(language, { history: 'html' })), { options: JSON.stringify({ collections: ['watch-history', 'search-history'] }) });
    await withArchive(t, user, jobId, (archive) => {
      const watched = archive.json<Row[]>('watch-history.json');
      expect(watched.map((row) => [row.videoId, row.title, row.channelId, row.channelTitle, row.watchedAt])).toEqual([
        [WATCHED[0].videoId, WATCHED[0].title, WATCHED[0].channelId, WATCHED[0].channel, HTML_HISTORY_UTC.watched[0]],
        [WATCHED[1].videoId, WATCHED[1].title, WATCHED[1].channelId, WATCHED[1].channel, HTML_HISTORY_UTC.watched[1]],
        [null, 'https://www.youtube.com/watch?v=removed0001', null, null, HTML_HISTORY_UTC.removed],
        // The date in a zone no one can read: the entry is kept, without a time.
        [WATCHED[0].videoId, WATCHED[0].title, WATCHED[0].channelId, WATCHED[0].channel, null],
      ]);
      expect(watched[0]).toMatchObject({ url: `https://www.youtube.com/watch?v=${WATCHED[0].videoId}`, products: ['YouTube'] });
      expect((watched[3].raw as Row).timeAsWritten).toBe(HTML_HISTORY_DATES[language].unreadable.replace(/\s/g, ' '));
      expect(archive.json<Row[]>('search-history.json')).toEqual([expect.objectContaining({ query: 'sourdough starter', searchedAt: HTML_HISTORY_UTC.searched })]);

      const manifest = archive.json<ImportManifest & { warnings: string[] }>('manifest.json');
      expect(manifest.counts).toMatchObject({ 'watch-history': 4, 'search-history': 1 });
      expect(manifest.warnings).toEqual(expect.arrayContaining([expect.stringContaining(`1 entry of ${watchFile} had a date that could not be read`)]));
      expect(manifest.importedFrom.unknownFiles).not.toContain(watchFile);
    });
  });

  it('renders the watch history in the offline viewer, and lists what a Takeout gives in the catalogue', async () => {
    const jobId = await importTakeout(buildZip(takeoutEntries('en')), { format: 'html', options: JSON.stringify({ collections: ['watch-history'] }) });
    await withArchive(t, user, jobId, (archive) => {
      const page = archive.files.find((name) => /^html\/watch-history-1\.html$/.test(name));
      expect(page).toBeDefined();
      expect(archive.read(page ?? '')).toContain('Me at the zoo');
      expect(archive.files).not.toContain('html/subscriptions-1.html');
    });
    await user.pace();
    const res = await request(t.url).get('/api/platforms').set(user.auth).expect(200);
    const youtube = (res.body as { data: { name: string; features: Record<string, boolean> }[] }).data.find((entry) => entry.name === 'youtube');
    expect(youtube?.features).toMatchObject({ videos: true, 'archive:watch-history': true, 'archive:search-history': true, 'archive:subscriptions': true });
  });
});
