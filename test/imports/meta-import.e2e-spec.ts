import request from 'supertest';
import { withArchive } from '../support/archive';
import { completed, finished, waitFor } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { importingUser, uploadArchive } from './import-support';
import type { ImportManifest, Row } from './import-support';
import { FB_OWNER, FB_THREAD, IG_USER, facebook2024Entries, facebookLegacyEntries, instagramEntries } from './meta-archive-fixture';
import { buildZip } from './zip-builder';

const messageTexts = [1, 2, 3, 4].map((n) => `Message ${n} im Café ☕`);

/**
 * Facebook and Instagram "Download Your Information" archives, in the layouts Meta has shipped, come
 * back as the export the API gives plus what only the archive has (Messenger, comments, reactions,
 * followers): Meta's mojibake repaired, times in ISO 8601 UTC, threads oldest first across their files,
 * media files linked, and the files Star Export does not read named in the manifest.
 */
describe('Meta archive import', () => {
  let t: TestApp;
  let user: ExportCaller;

  beforeAll(async () => {
    t = await startTestApp();
    user = await importingUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function imported(entries: Parameters<typeof buildZip>[0], form: Parameters<typeof uploadArchive>[3]): Promise<string> {
    const res = await uploadArchive(t, user, buildZip(entries), form);
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    await completed(t, user, jobId);
    return jobId;
  }

  it('imports a 2024 Facebook archive as JSON: posts, photos, videos, comments, reactions, a two-file Messenger thread', async () => {
    const jobId = await imported(facebook2024Entries(), { options: JSON.stringify({ includeMedia: true }) });
    await withArchive(t, user, jobId, (archive) => {
      const posts = archive.json<Row[]>('posts.json');
      expect(posts.map((row) => row.message)).toEqual(['Lunch at the Café 😀', 'An older post']);
      expect(posts[0]).toMatchObject({
        createdTime: '2023-11-14T22:13:20.000Z',
        story: 'Zoë Müller updated her status.',
        place: { name: 'Café Central', latitude: 48.21 },
        attachments: [
          { type: 'media', mediaType: 'photo', description: 'Café table', takenTime: '2023-11-14T19:26:40.000Z' },
          { type: 'place', title: 'Café Central' },
        ],
        mediaFiles: [expect.stringMatching(/\.jpg$/)],
      });
      expect(archive.read((posts[0].mediaFiles as string[])[0])).toBe('bytes of your_facebook_activity/posts/media/Lunch_1/111.jpg');
      expect(posts[1].attachments).toEqual([expect.objectContaining({ type: 'share', url: 'https://example.com/read' })]);

      const messages = archive.json<Row[]>('messages.json');
      expect(messages.map((row) => row.text)).toEqual(messageTexts);
      expect(messages[0]).toMatchObject({ threadId: FB_THREAD, sender: 'Ann Smith', participants: ['Ann Smith', FB_OWNER.fullName], createdAt: '2023-11-14T22:13:21.000Z' });
      expect(messages[2].mediaFiles).toEqual([expect.stringMatching(/\.jpg$/)]);

      expect(archive.json<Row[]>('photos.json')[0]).toMatchObject({ albumName: 'Ferien in Köln', name: 'Dom', createdTime: '2021-05-03T00:00:00.000Z' });
      expect(archive.json<Row[]>('videos.json')[0]).toMatchObject({ description: 'Ein Video', mediaFiles: [expect.stringMatching(/\.mp4$/)] });
      expect(archive.json<Row[]>('comments.json')[0]).toMatchObject({ text: 'Schön!', author: FB_OWNER.fullName, createdTime: '2023-11-14T22:21:40.000Z' });
      expect(archive.json<Row[]>('reactions.json')[0]).toMatchObject({ reaction: 'LOVE', title: "Zoë Müller reacted to Ann Smith's post." });
      expect(archive.json<Row[]>('profile.json')[0]).toMatchObject({ id: FB_OWNER.id, name: FB_OWNER.fullName, firstName: 'Zoë', email: 'zoe@example.com' });

      const manifest = archive.json<ImportManifest>('manifest.json');
      expect(manifest).toMatchObject({ platform: 'facebook', account: { id: FB_OWNER.id } });
      expect(manifest.counts).toMatchObject({ posts: 2, messages: 4, photos: 1, videos: 1, comments: 1, reactions: 1 });
      expect(manifest.importedFrom.unknownFiles).toEqual(['logged_information/search/your_search_history.json']);
    });
  });

  it('imports a Facebook archive of the older layout, re-zipped in a folder, as CSV', async () => {
    const jobId = await imported(facebookLegacyEntries(), { format: 'csv', platform: 'facebook', options: JSON.stringify({ includeMedia: true }) });
    await withArchive(t, user, jobId, (archive) => {
      expect(archive.files).toEqual(expect.arrayContaining(['posts.csv', 'messages.csv', 'comments.csv', 'profile.csv']));
      expect(archive.read('posts.csv')).toContain('Grüße aus München');
      expect(archive.read('comments.csv')).toContain('Très bien');
      const messages = archive.read('messages.csv');
      const at = messageTexts.map((text) => messages.indexOf(text));
      expect(at.every((index) => index > 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(archive.files.some((name) => name.startsWith('media/') && name.endsWith('.jpg'))).toBe(true);
    });
  });

  it('imports a Facebook archive as the HTML viewer, Messenger included', async () => {
    const jobId = await imported(facebook2024Entries(), { format: 'html', options: JSON.stringify({ collections: ['posts', 'messages'] }) });
    await withArchive(t, user, jobId, (archive) => {
      expect(archive.read('index.html')).toContain('html/messages-1.html');
      expect(archive.read('html/posts-1.html')).toContain('Lunch at the Café 😀');
      const messages = archive.read('html/messages-1.html');
      expect(messageTexts.map((text) => messages.indexOf(text)).every((index) => index > 0)).toBe(true);
    });
  });

  it('imports an Instagram archive: profile, posts, stories, reels, comments, messages, followers and following', async () => {
    const jobId = await imported(instagramEntries(), { options: JSON.stringify({ includeMedia: true }) });
    await withArchive(t, user, jobId, (archive) => {
      expect(archive.json<Row[]>('profile.json')[0]).toMatchObject({ id: IG_USER, username: IG_USER, fullName: 'Zoë Müller', biography: 'Kaffee & Café', url: `https://www.instagram.com/${IG_USER}/` });
      const posts = archive.json<Row[]>('posts.json');
      expect(posts.map((row) => row.caption)).toEqual(['Frühstück 🥐', 'Two photos']);
      expect(posts[0]).toMatchObject({ id: '17900000000000001', type: 'image', takenAt: '2023-11-14T22:13:20.000Z', mediaFiles: [expect.stringMatching(/\.jpg$/)] });
      expect(posts[1]).toMatchObject({ type: 'carousel', mediaFiles: [expect.stringMatching(/\.jpg$/), expect.stringMatching(/\.mp4$/)] });
      expect(archive.json<Row[]>('stories.json')[0]).toMatchObject({ caption: 'Größer', productType: 'story' });
      expect(archive.json<Row[]>('reels.json')[0]).toMatchObject({ caption: 'Tanz', type: 'video', productType: 'clips' });
      expect(archive.json<Row[]>('comments.json')[0]).toMatchObject({ text: 'Wunderschön 😍', mediaOwner: 'ann', createdAt: '2023-11-14T22:28:20.000Z' });
      expect(archive.json<Row[]>('messages.json').map((row) => row.text)).toEqual(messageTexts);
      expect(archive.json<Row[]>('followers.json')).toEqual([expect.objectContaining({ id: 'ann', since: '2020-09-13T12:26:40.000Z' })]);
      expect(archive.json<Row[]>('following.json')).toEqual([expect.objectContaining({ id: 'bob', url: 'https://www.instagram.com/_u/bob' })]);
      const manifest = archive.json<ImportManifest>('manifest.json');
      expect(manifest.platform).toBe('instagram');
      expect(manifest.importedFrom.unknownFiles).toEqual(['your_instagram_activity/likes/liked_posts.json']);
    });
  });

  it('tells the two Meta archives apart and refuses one sent as the other', async () => {
    const res = await uploadArchive(t, user, buildZip(instagramEntries()), { platform: 'facebook' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'INVALID_ARCHIVE', details: [{ field: 'file', messages: ['platform_mismatch'] }] });
  });

  it('refuses topUp for a Facebook archive, whose API cannot add what is newer, with a clear 400', async () => {
    const res = await uploadArchive(t, user, buildZip(facebook2024Entries()), { options: JSON.stringify({ topUp: true }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', details: [{ field: 'options.topUp', messages: ['not available for facebook'] }] });
  });

  it('fails an import whose Messenger file is broken with INVALID_ARCHIVE naming the file', async () => {
    const entries = facebook2024Entries().map((entry) => (entry.name.endsWith(`${FB_THREAD}/message_2.json`) ? { name: entry.name, data: '{"participants": [], "messages": [{"sender_name": "A' } : entry));
    const res = await uploadArchive(t, user, buildZip(entries));
    expect(res.status).toBe(201);
    const state = await waitFor(t, user, (res.body as { data: { jobId: string } }).data.jobId, finished);
    expect(state).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARCHIVE', message: expect.stringContaining('message_2.json') } });
  });

  it('lists what the Meta archives give in the catalogue features', async () => {
    await user.pace();
    const res = await request(t.url).get('/api/platforms').set(user.auth).expect(200);
    const features = (name: string) => (res.body as { data: { name: string; features: Record<string, boolean> }[] }).data.find((entry) => entry.name === name)?.features;
    expect(features('facebook')).toMatchObject({ messages: false, 'archive:messages': true, 'archive:posts': true, 'archive:comments': true });
    expect(features('instagram')).toMatchObject({ 'archive:messages': true, 'archive:followers': true, 'archive:stories': true });
  });
});
