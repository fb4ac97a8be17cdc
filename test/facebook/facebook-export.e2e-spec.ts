import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, startExport } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import {
  AccountIds,
  connectFacebook,
  expectEveryItemOnce,
  freshAccount,
  graphCalls,
  repeatedPages,
  sandboxIds,
  startFacebookHarness,
  total,
} from './facebook-support';

interface ErrorRecord {
  collection: string;
  itemId?: string;
  reason: string;
}

const friendsNote = (served: AccountIds): ErrorRecord => ({
  collection: 'friends',
  reason: expect.stringContaining(`only the ${served.friends.length} who also use this app`),
});

/**
 * Complete Facebook exports through the whole service (HTTP, queue, worker, pipeline, writers) against
 * the sandbox's Graph API: every collection, every format, with and without media.
 */
describe('Facebook exports', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  /** The default synthetic person: 40 posts, two albums, tagged photos, videos, likes and friends. */
  let alice: AccountIds;

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startFacebookHarness((started) => ({ MEDIA_ALLOWED_HOSTS: `127.0.0.1:${started.port}` })));
    alice = await sandboxIds(sandbox, 'alice');
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  it('lists Facebook in the catalogue, with messages left to the archive import', async () => {
    const res = await request(t.url).get('/api/platforms').expect(200);
    const facebook = (res.body as { data: { name: string; features: Record<string, boolean> }[] }).data.find((entry) => entry.name === 'facebook');
    expect(facebook?.features).toMatchObject({ posts: true, photos: true, videos: true, albums: true, likes: true, friends: true, messages: false });
  });

  describe.each(['json', 'csv', 'html'])('as %s', (format) => {
    it('holds every item of every collection exactly once, ids as strings, and asks for no page twice', async () => {
      const user = await connectFacebook(t, sandbox, 'alice');
      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format });
      const done = await completed(t, user, id);
      expect(done).toMatchObject({ progress: 100, processedItems: total(alice) });

      await withArchive(t, user, id, (archive) => {
        const manifest = archive.json<Manifest>('manifest.json');
        expect(manifest).toMatchObject({ platform: 'facebook', format, account: { id: alice.userId } });
        expectEveryItemOnce(archive, format, alice);
        expect(archive.json<ErrorRecord[]>('errors.json')).toEqual([friendsNote(alice)]);
        expect(archive.files.filter((name) => name.startsWith('media/'))).toEqual([]);
        if (format === 'json') {
          const posts = archive.json<{ id: string; createdTime: string }[]>('posts.json');
          expect(posts.every((post) => typeof post.id === 'string' && /^\d+_\d+$/.test(post.id))).toBe(true);
          expect(posts.every((post) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/.test(post.createdTime))).toBe(true);
          const [profile] = archive.json<{ id: string }[]>('profile.json');
          // Beyond 2^53: a reader that made it a number would have changed it.
          expect(profile.id).toBe(alice.userId);
        }
      });
      expect(repeatedPages(graphCalls(sandbox, 'alice', since))).toEqual([]);
      // Every Graph call carried the proof of the app secret.
      expect(graphCalls(sandbox, 'alice', since).every((entry) => entry.api === 'facebook.debug_token' || entry.api.startsWith('facebook.oauth') || Boolean(entry.query.appsecret_proof))).toBe(true);
    });
  });

  describe('with media', () => {
    let mila: AccountIds;
    beforeAll(async () => {
      mila = await freshAccount(sandbox, { key: 'mila', fbPosts: 12, fbAlbumSizes: [3], fbTaggedPhotos: 2, fbVideos: 1, fbLikes: 2, fbFriends: 2, fbFriendsUsingApp: 2 });
    });

    it.each(['json', 'csv', 'html'])('as %s: the largest image of every photo, video files and thumbnails, attachment images', async (format) => {
      const user = await connectFacebook(t, sandbox, 'mila');
      const id = await startExport(t, user, { format, options: { includeMedia: true } });
      await completed(t, user, id);
      await withArchive(t, user, id, (archive) => {
        expectEveryItemOnce(archive, format, mila);
        expect(archive.json<ErrorRecord[]>('errors.json')).toEqual([]);
        const media = archive.files.filter((name) => name.startsWith('media/'));
        for (const photo of [...mila.photos, ...mila['tagged-photos']]) {
          const folder = mila.photos.includes(photo) ? 'photos' : 'tagged-photos';
          expect(media).toContain(`media/${folder}/${photo}-0.jpg`);
        }
        expect(media).toContain(`media/videos/${mila.videos[0]}-0.mp4`);
        expect(media).toContain(`media/videos/${mila.videos[0]}-1.jpg`);
        expect(media.some((name) => name.startsWith('media/posts/'))).toBe(true);
        expect(media).toContain(`media/profile/${mila.userId}-0.jpg`);
      });
    });

    it('reads a photo again for a fresh link when its signed CDN link has expired, and downloads it', async () => {
      const user = await connectFacebook(t, sandbox, 'mila');
      const [photo] = mila.photos;
      // The CDN's answer to a link past its `oe`, for the download and its retry.
      sandbox.admin.addFault({ match: { path: `/fbcdn/p/${photo}/*` }, respond: { status: 403, body: 'URL signature expired' }, times: 2 });
      const since = sandbox.admin.log().lastSeq;
      const id = await startExport(t, user, { format: 'json', options: { includeMedia: true, collections: ['photos'] } });
      await completed(t, user, id);
      await withArchive(t, user, id, (archive) => {
        expect(archive.json<ErrorRecord[]>('errors.json')).toEqual([]);
        const media = archive.files.filter((name) => name.startsWith('media/photos/'));
        expect(media.sort()).toEqual(mila.photos.map((each) => `media/photos/${each}-0.jpg`).sort());
      });
      const entries = sandbox.admin.log({ since }).entries;
      expect(entries.filter((entry) => entry.path.startsWith(`/fbcdn/p/${photo}/`)).map((entry) => entry.status)).toEqual([403, 403, 200]);
      // Between the refusals and the download that worked, the photo itself was read from the Graph again.
      const lastRefusal = entries.findLastIndex((entry) => entry.path.startsWith(`/fbcdn/p/${photo}/`) && entry.status === 403);
      expect(entries.slice(lastRefusal).some((entry) => entry.path.endsWith(`/${photo}`) && entry.status === 200)).toBe(true);
    });
  });
});
