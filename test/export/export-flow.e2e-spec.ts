import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { FIXTURE, FixtureAdapter, PAGE_SIZE } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { withArchive } from '../support/archive';
import { launchChromium } from '../support/browser';
import { ExportUser, finished, startExport, waitFor } from '../support/export-client';
import { connectedUser } from './export-support';

// The smallest valid PNG, served as every post's image.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('Export flow', () => {
  const fixture = new FixtureAdapter();
  let media: Server;
  let mediaPort: number;
  let t: TestApp;
  let user: ExportUser;

  beforeAll(async () => {
    media = createServer((req, res) => {
      if (req.url?.includes('i=3&') || req.url?.endsWith('i=3')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaPort = (media.address() as { port: number }).port;
    t = await startTestApp({ TRUST_PROXY: '1', MEDIA_ALLOWED_HOSTS: `127.0.0.1:${mediaPort}` }, [fixture]);
    user = await connectedUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => media?.close(resolve));
  });
  beforeEach(() => fixture.reset());

  it('exports every item exactly once into a JSON archive with a manifest', async () => {
    const id = await startExport(t, user, { format: 'json' });
    const done = await waitFor(t, user, id, finished);
    expect(done).toMatchObject({ status: 'completed', progress: 100, processedItems: 150, totalItems: 150, downloadUrl: `/api/export/${id}/download` });
    // Every page was fetched once.
    expect([...fixture.served.values()].every((count) => count === 1)).toBe(true);
    expect(fixture.served.size).toBe(Math.ceil(120 / PAGE_SIZE) + Math.ceil(30 / PAGE_SIZE));

    await withArchive(t, user, id, (archive) => {
      const posts = JSON.parse(archive.read('posts.json')) as { id: string; title: string }[];
      expect(posts.map((post) => post.id)).toEqual(Array.from({ length: 120 }, (_, i) => `posts-${i}`));
      expect(posts[0].title).toBe('Item 0, "quoted" <b>bold</b>');
      expect(JSON.parse(archive.read('photos.json'))).toHaveLength(30);
      expect(JSON.parse(archive.read('errors.json'))).toEqual([]);
      const manifest = JSON.parse(archive.read('manifest.json')) as {
        schemaVersion: number;
        platform: string;
        account: { id: string; name: string };
        counts: Record<string, number>;
        files: { name: string; bytes: number; sha256: string }[];
      };
      expect(manifest).toMatchObject({ schemaVersion: 1, platform: FIXTURE, account: { id: 'acct-1', name: 'Fixture Account' }, counts: { posts: 120, photos: 30 } });
      for (const file of manifest.files) {
        const bytes = readFileSync(join(archive.dir, file.name));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
        expect(bytes.length).toBe(file.bytes);
      }
      expect(manifest.files.map((file) => file.name).sort()).toEqual(['errors.json', 'photos.json', 'posts.json']);
    });
  });

  it('writes CSV with a header, neutralised formulas and every row', async () => {
    const id = await startExport(t, user, { format: 'csv', options: { collections: ['posts'] } });
    expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      const csv = archive.read('posts.csv');
      expect(csv.startsWith('\uFEFFid,title,text,createdAt,stats.likes,stats.shares\r\n')).toBe(true);
      expect(csv).toContain(`posts-7,"Item 7, ""quoted"" <b>bold</b>",'=SUM(A1:A9),`);
      expect(csv.match(/^posts-\d+,/gm)).toHaveLength(120);
      expect(existsSync(join(archive.dir, 'photos.csv'))).toBe(false);
    });
  });

  it('writes an offline HTML viewer', async () => {
    const id = await startExport(t, user, { format: 'html', options: { maxRecords: 60 } });
    const done = await waitFor(t, user, id, finished);
    expect(done).toMatchObject({ status: 'completed', processedItems: 60 });
    await withArchive(t, user, id, (archive) => {
      expect(archive.read('index.html')).toContain('html/posts-1.html');
      const page = archive.read('html/posts-1.html');
      expect(page).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(page.match(/<article class="card"/g)).toHaveLength(60);
      expect(page).not.toMatch(/<script|https?:\/\//);
      expect(JSON.parse(archive.read('manifest.json')).counts).toEqual({ posts: 60, photos: 0 });
    });
  });

  it('downloads media into media/<collection>/ and records failures without failing', async () => {
    fixture.reset({ totals: { posts: 5, photos: 0 }, mediaUrl: `http://127.0.0.1:${mediaPort}/img.png` });
    const id = await startExport(t, user, { format: 'json', options: { includeMedia: true } });
    expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      expect(readdirSync(join(archive.dir, 'media/posts')).sort()).toEqual(['posts-0-0.png', 'posts-1-0.png', 'posts-2-0.png', 'posts-4-0.png']);
      expect(readFileSync(join(archive.dir, 'media/posts/posts-0-0.png'))).toEqual(PNG);
      const errors = JSON.parse(archive.read('errors.json')) as { collection: string; itemId: string; reason: string }[];
      expect(errors).toEqual([expect.objectContaining({ collection: 'posts', itemId: 'posts-3' })]);
      // The manifest says what errors.json holds, so a gap is not hidden in a file nobody opens.
      expect(archive.json<{ warnings: string[] }>('manifest.json').warnings).toEqual([
        'posts: 1 media file could not be downloaded (see errors.json)',
      ]);
    });
  });

  it('shows each item with its own images in the HTML viewer', async () => {
    fixture.reset({ totals: { posts: 5, photos: 0 }, mediaUrl: `http://127.0.0.1:${mediaPort}/img.png` });
    const id = await startExport(t, user, { format: 'html', options: { includeMedia: true } });
    expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      const sections = archive.read('html/posts-1.html').split('<article class="card"').slice(1);
      expect(sections).toHaveLength(5);
      sections.forEach((section, index) => {
        const images = section.match(/<img src="([^"]+)"/g) ?? [];
        // posts-3's image failed to download, so it has none.
        expect(images).toEqual(index === 3 ? [] : [`<img src="../media/posts/posts-${index}-0.png"`]);
      });
    });
  });

  it('opens the HTML viewer in a browser from the unpacked folder, with its images and no request leaving it', async () => {
    fixture.reset({ totals: { posts: 5, photos: 0 }, mediaUrl: `http://127.0.0.1:${mediaPort}/img.png` });
    const id = await startExport(t, user, { format: 'html', options: { includeMedia: true } });
    expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    const chromium = await launchChromium();
    try {
      await withArchive(t, user, id, async (archive) => {
        const page = await chromium.browser.newPage();
        const requested: string[] = [];
        page.on('request', (req) => requested.push(req.url()));
        await page.goto(pathToFileURL(join(archive.dir, 'index.html')).href, { waitUntil: 'load' });
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[href="html/posts-1.html"]')]);
        const cards = await page.$$eval('article.card', (nodes) =>
          nodes.map((node) => ({
            title: node.querySelector('h2')?.textContent,
            time: node.querySelector('time')?.textContent,
            images: [...node.querySelectorAll('img')].map((img) => img.complete && img.naturalWidth > 0),
          })),
        );
        expect(cards).toHaveLength(5);
        expect(cards[0]).toEqual({ title: 'Item 0, "quoted" <b>bold</b>', time: '2024-01-01 00:00 UTC', images: [true] });
        // posts-3's image failed to download: its card has none, and the errors page names it.
        expect(cards.map((card) => card.images.length)).toEqual([1, 1, 1, 0, 1]);
        await page.goto(pathToFileURL(join(archive.dir, 'html/errors.html')).href, { waitUntil: 'load' });
        expect(await page.$eval('main', (node) => node.textContent)).toContain('posts-3');
        expect(requested.filter((url) => !url.startsWith('file://'))).toEqual([]);
      });
    } finally {
      await chromium.close();
    }
  });

  it('refuses media from hosts outside MEDIA_ALLOWED_HOSTS', async () => {
    fixture.reset({ totals: { posts: 2, photos: 0 }, mediaUrl: 'http://169.254.169.254/latest/meta-data' });
    const id = await startExport(t, user, { format: 'json', options: { includeMedia: true } });
    expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    await withArchive(t, user, id, (archive) => {
      expect(existsSync(join(archive.dir, 'media'))).toBe(false);
      expect(JSON.parse(archive.read('errors.json'))).toHaveLength(2);
    });
  });

  it('lists exports newest first with the spec pagination, and sums them up', async () => {
    await user.pace();
    const list = await request(t.url).get('/api/export?page=1&limit=2&status=completed').set(user.auth).expect(200);
    expect(list.body.data.pagination).toEqual({ page: 1, limit: 2, total: 7, pages: 4 });
    expect(list.body.data.exports).toHaveLength(2);
    expect(list.body.data.exports[0]).toEqual({
      id: expect.any(String),
      platform: FIXTURE,
      format: 'json',
      status: 'completed',
      progress: 100,
      totalItems: 2,
      createdAt: expect.any(String),
      completedAt: expect.any(String),
      downloadUrl: expect.stringMatching(/^\/api\/export\/[0-9a-f-]{36}\/download$/),
    });
    await user.pace();
    const stats = await request(t.url).get('/api/export/stats/summary').set(user.auth).expect(200);
    expect(stats.body.data).toMatchObject({ totalExports: 7, completedExports: 7, failedExports: 0, exportsByPlatform: { [FIXTURE]: 7 } });
    expect(stats.body.data.totalBytesExported).toBeGreaterThan(0);
    expect(stats.body.data.totalDataExported).toMatch(/^\d+(\.\d)?(B|KB|MB)$/);
  });
});
