import request from 'supertest';
import { withArchive } from '../support/archive';
import { completed } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { openSocket } from '../export/export-support';
import { importingUser, uploadArchive } from './import-support';
import type { Row } from './import-support';
import { X_ACCOUNT, tweetId, xArchiveEntries } from './x-archive-fixture';
import { buildZip } from './zip-builder';

/**
 * X archives of two generations, uploaded through `POST /api/export/import`, come back as the same
 * export an API export gives (records, viewer, manifest), with what only the archive has: every post
 * across `tweets.js` and its parts, DMs and group DMs, note and deleted posts, and the media files.
 */
describe('X archive import', () => {
  let t: TestApp;
  let user: ExportCaller;

  beforeAll(async () => {
    t = await startTestApp();
    user = await importingUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports a current X archive (tweets.js + tweets-part1.js) as JSON with its media, DMs and an honest manifest', async () => {
    const socket = openSocket(t, user.session.token);
    await socket.connected();
    const zip = buildZip(xArchiveEntries({ generation: 'modern', parts: [3, 2], withMedia: true }));
    const res = await uploadArchive(t, user, zip, { options: JSON.stringify({ includeMedia: true }) });
    expect(res.body).toMatchObject({ success: true, data: { status: 'queued', platform: 'twitter', format: 'json' } });
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    expect((res.body as { jobId: string }).jobId).toBe(jobId);

    // The upload reported its progress to the uploader's sockets, ending with the whole file.
    const upload = await socket.next((event) => event.name === 'import:upload' && event.payload.receivedBytes === zip.length);
    expect(upload.payload).toMatchObject({ fileName: 'archive.zip', uploadId: expect.any(String) });
    socket.close();

    await completed(t, user, jobId);
    await withArchive(t, user, jobId, (archive) => {
      const tweets = archive.json<Row[]>('tweets.json');
      expect(tweets.map((row) => row.id)).toEqual([1, 2, 3, 4, 5].map(tweetId));
      expect(tweets[0]).toMatchObject({
        id: tweetId(1),
        kind: 'post',
        text: 'Post 1 & more https://example.com/1',
        createdAt: '2019-11-14T03:37:01.000Z',
        authorId: X_ACCOUNT.accountId,
        authorUsername: X_ACCOUNT.userName,
        url: `https://x.com/i/web/status/${tweetId(1)}`,
        publicMetrics: { like_count: 1, retweet_count: 1 },
        source: 'archive',
        mediaFiles: [expect.stringMatching(/^media\/tweets\/.+\.jpg$/)],
      });
      const mediaFile = (tweets[0].mediaFiles as string[])[0];
      expect(archive.read(mediaFile)).toBe('fake-jpeg-bytes-of-the-archive');

      const dms = archive.json<Row[]>('direct-messages.json');
      expect(dms.map((row) => row.id).sort()).toEqual(['1700000000000000001', '1700000000000000002']);
      expect(dms.find((row) => row.id === '1700000000000000002')).toMatchObject({ text: 'Second, see https://example.org/dm', createdAt: '2021-05-01T10:00:01.000Z' });
      expect(archive.json<Row[]>('group-direct-messages.json').map((row) => row.type).sort()).toEqual(['joinConversation', 'messageCreate']);
      expect(archive.json<Row[]>('note-tweets.json')[0]).toMatchObject({ id: '1900000000000000001', text: 'A long post https://example.net/long' });
      expect(archive.json<Row[]>('deleted-tweets.json')[0]).toMatchObject({ id: tweetId(900), deletedAt: '2019-11-15T03:37:58.000Z' });
      expect(archive.json<Row[]>('likes.json')[0]).toMatchObject({ id: '1500000000000000001', text: 'A liked post' });
      expect(archive.json<Row[]>('followers.json').map((row) => row.id)).toEqual(['1600000000000000001']);
      expect(archive.json<Row[]>('following.json').map((row) => row.id)).toEqual(['1600000000000000002']);
      expect(archive.json<Row[]>('profile.json')[0]).toMatchObject({ id: X_ACCOUNT.accountId, username: X_ACCOUNT.userName, location: 'Berlin' });

      const manifest = archive.json<{ platform: string; account: { id: string }; counts: Record<string, number>; importedFrom: { kind: string; sha256: string; unknownFiles: string[] } }>('manifest.json');
      expect(manifest.platform).toBe('twitter');
      expect(manifest.account.id).toBe(X_ACCOUNT.accountId);
      expect(manifest.counts).toMatchObject({ tweets: 5, 'direct-messages': 2, likes: 1 });
      expect(manifest.importedFrom).toMatchObject({ kind: 'archive', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(manifest.importedFrom.unknownFiles.sort()).toEqual(['Your archive.html', 'data/ad-engagements.js']);
    });
  });

  it('imports an archive from before 2022 (tweet.js, tweet_media) as CSV, and shows in the list like any export', async () => {
    const zip = buildZip(xArchiveEntries({ generation: 'legacy', parts: [4], withMedia: true }));
    const res = await uploadArchive(t, user, zip, { format: 'csv', platform: 'twitter', options: JSON.stringify({ collections: ['tweets', 'direct-messages'] }) });
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    await completed(t, user, jobId);
    await withArchive(t, user, jobId, (archive) => {
      expect(archive.files).toEqual(expect.arrayContaining(['tweets.csv', 'direct-messages.csv', 'manifest.json']));
      expect(archive.files).not.toContain('likes.csv');
      const csv = archive.read('tweets.csv');
      for (const n of [1, 2, 3, 4]) expect(csv).toContain(tweetId(n));
    });
    await user.pace();
    const list = await request(t.url).get('/api/export').set(user.auth).expect(200);
    expect((list.body as { data: { exports: { id: string; platform: string; status: string }[] } }).data.exports).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: jobId, platform: 'twitter', status: 'completed' })]),
    );
  });

  it('lists what an archive gives in the catalogue features', async () => {
    const res = await request(t.url).get('/api/platforms').set(user.auth).expect(200);
    const x = (res.body as { data: { name: string; features: Record<string, boolean> }[] }).data.find((entry) => entry.name === 'twitter');
    expect(x?.features).toMatchObject({ tweets: true, 'archive:tweets': true, 'archive:direct-messages': true, 'archive:group-direct-messages': true });
  });
});
