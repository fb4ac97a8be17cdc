import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { Item, pageAll, youtube } from './sandbox-client';

const YTDLP = process.env.YTDLP_PATH ?? '/usr/bin/yt-dlp';

/** Width and height from a baseline JPEG's SOF0 segment. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  let offset = 2;
  while (offset < bytes.length) {
    const marker = bytes[offset + 1];
    const length = bytes.readUInt16BE(offset + 2);
    if (marker === 0xc0) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  throw new Error('no SOF0 segment');
}

describe('platform sandbox: media', () => {
  let sandbox: RunningSandbox;
  let videoId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    videoId = sandbox.admin.account('alice').sampleVideoIds[0];
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('serves JPEG thumbnails at the sizes the API announces', async () => {
    const yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'alice' }).access_token);
    const res = await yt('videos', { part: 'snippet', id: videoId });
    const thumbnails = res.body.items[0].snippet?.thumbnails ?? {};
    expect(Object.keys(thumbnails).length).toBeGreaterThanOrEqual(3);
    for (const thumbnail of Object.values(thumbnails)) {
      const image = await fetch(thumbnail.url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(jpegSize(bytes)).toEqual({ width: thumbnail.width, height: thumbnail.height });
      expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    }
    expect((await fetch(`${sandbox.url}/vi/AAAAAAAAAAA/default.jpg`)).status).toBe(404);
  });

  it('serves PNG channel avatars', async () => {
    const yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'alice' }).access_token);
    const channel = await yt('channels', { part: 'snippet', mine: 'true' });
    const url = channel.body.items[0].snippet?.thumbnails?.medium.url as string;
    const image = await fetch(url);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.subarray(12, 16).toString()).toBe('IHDR');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([240, 240]);
  });

  it('serves a small MP4 with byte ranges', async () => {
    const url = `${sandbox.url}/media/videos/${videoId}.mp4`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBeLessThan(50 * 1024);
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(bytes.includes(Buffer.from('moov'))).toBe(true);
    expect(bytes.includes(Buffer.from('avcC'))).toBe(true);

    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const beyond = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('serves a watch page with an HTML5 video and escaped title', async () => {
    const res = await fetch(`${sandbox.url}/watch?v=${videoId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<video controls width="640" height="360" poster="${sandbox.url}/vi/${videoId}/hqdefault.jpg" src="${sandbox.url}/media/videos/${videoId}.mp4">`);
    expect(html).not.toMatch(/<script/i);
    expect((await fetch(`${sandbox.url}/watch?v=AAAAAAAAAAA`)).status).toBe(404);
  });

  it('can hand out hostile media URLs to test SSRF defences', async () => {
    const created = sandbox.admin.createAccount({ key: 'mallory', videos: 60, hostileMediaUrls: true });
    const yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'mallory' }).access_token);
    const { items } = await pageAll(yt, 'playlistItems', { part: 'snippet', playlistId: created.uploadsPlaylistId as string, maxResults: 50 });
    const urls = items.flatMap((i: Item) => Object.values(i.snippet?.thumbnails ?? {}).map((t) => t.url));
    const foreign = urls.filter((u) => !u.startsWith(`${sandbox.url}/vi/`));
    expect(foreign.length).toBeGreaterThan(0);
    expect(foreign.some((u) => /169\.254\.169\.254|127\.0\.0\.1:5432|file:|\[::1\]|localhost|gopher:|\/media\/redirect/.test(u))).toBe(true);
    const redirect = await fetch(`${sandbox.url}/media/redirect?to=${encodeURIComponent('http://127.0.0.1:5432/')}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('http://127.0.0.1:5432/');
    sandbox.admin.deleteAccount('mallory');
  });

  (existsSync(YTDLP) ? it : it.skip)('lets yt-dlp download the video from the watch page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-ytdlp-'));
    try {
      await promisify(execFile)(YTDLP, ['--no-progress', '--no-cache-dir', '-o', join(dir, 'video.%(ext)s'), `${sandbox.url}/watch?v=${videoId}`], { timeout: 60_000 });
      const files = readdirSync(dir);
      expect(files).toEqual(['video.mp4']);
      const downloaded = readFileSync(join(dir, 'video.mp4'));
      const served = Buffer.from(await (await fetch(`${sandbox.url}/media/videos/${videoId}.mp4`)).arrayBuffer());
      expect(downloaded.equals(served)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
