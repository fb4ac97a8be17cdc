import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import { MediaDownloadError, MediaRefusedError, MediaTooLargeError } from '../errors';
import { startLocalServer, type LocalServer } from '../../test/local-server';
import { youtubeSlices } from '../../test/options';
import { VideoFileDownloader } from './video-file-downloader';

/**
 * Against Debian's yt-dlp (2023.03.04, /usr/bin/yt-dlp) and two stand-ins for YouTube's watch page: the
 * platform sandbox's page with a <video> element, and a local server that answers the watch URL with the
 * MP4 itself. Both go through yt-dlp's generic extractor.
 */
describe('VideoFileDownloader', () => {
  let sandbox: RunningSandbox;
  let direct: LocalServer;
  let mp4: Buffer;
  let videoId: string;
  let folder: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    videoId = sandbox.admin.account('alice').sampleVideoIds[0];
    mp4 = Buffer.from(await (await fetch(`${sandbox.url}/media/videos/${videoId}.mp4`)).arrayBuffer());
    direct = await startLocalServer((request, response) => {
      const id = request.url.searchParams.get('v');
      if (request.path === '/watch' && id === videoId) {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': mp4.length });
        response.end(mp4);
      } else if (request.path === '/watch' && id === 'endlessVide') {
        // No Content-Length, so yt-dlp cannot apply --max-filesize before it starts writing.
        response.writeHead(200, { 'content-type': 'video/mp4' });
        const timer = setInterval(() => response.write(Buffer.alloc(64 * 1024)), 20);
        response.on('close', () => clearInterval(timer));
      } else {
        response.writeHead(404).end();
      }
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await direct.close();
  });
  beforeEach(async () => {
    sandbox.admin.reset();
    folder = await mkdtemp(join(tmpdir(), 'star-export-ytdlp-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  const downloader = (watchUrl: string, overrides: { ytdlpPath?: string } = {}) => {
    const { youtube, media } = youtubeSlices({ ...sandbox.env, YOUTUBE_WATCH_URL: watchUrl, YTDLP_PATH: overrides.ytdlpPath });
    return new VideoFileDownloader(youtube, media);
  };
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('fetches the video of a watch page to the destination, leaving nothing else behind', async () => {
    const destination = join(folder, 'video');
    const result = await downloader(`${sandbox.url}/watch`).download({ url: `${sandbox.url}/watch?v=${videoId}`, destination });
    expect(result).toEqual({ bytes: mp4.length, sha256: sha256(mp4), contentType: 'video/mp4', finalUrl: `${sandbox.url}/watch?v=${videoId}` });
    expect(await readFile(destination)).toEqual(mp4);
    expect(await readdir(folder)).toEqual(['video']);
  });

  it('fetches a watch URL that answers with the MP4 itself', async () => {
    const destination = join(folder, 'direct');
    const result = await downloader(`${direct.origin}/watch`).download({ url: `${direct.origin}/watch?v=${videoId}`, destination });
    expect(result.sha256).toBe(sha256(mp4));
    expect(await readdir(folder)).toEqual(['direct']);
  });

  it('refuses anything but <watchUrl>?v=<video id>, without starting yt-dlp', async () => {
    const refusing = downloader(`${sandbox.url}/watch`, { ytdlpPath: join(folder, 'no-yt-dlp-here') });
    const destination = join(folder, 'video');
    for (const url of [
      `${direct.origin}/watch?v=${videoId}`,
      `${sandbox.url}/media/videos/${videoId}.mp4`,
      `${sandbox.url}/watch?v=${videoId}x`,
      `${sandbox.url}/watch?list=PL123`,
      'file:///etc/passwd',
      '--exec=touch /tmp/pwned',
    ]) {
      await expect(refusing.download({ url, destination })).rejects.toMatchObject({ reason: 'not_a_video' });
    }
    await expect(refusing.download({ url: `${sandbox.url}/watch?v=${videoId}`, destination })).rejects.toBeInstanceOf(MediaDownloadError);
  });

  it('says clearly when yt-dlp is not installed', async () => {
    const missing = join(folder, 'bin', 'yt-dlp');
    const error: unknown = await downloader(`${sandbox.url}/watch`, { ytdlpPath: missing })
      .download({ url: `${sandbox.url}/watch?v=${videoId}`, destination: join(folder, 'video') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaDownloadError);
    expect((error as MediaDownloadError).message).toContain(`yt-dlp is not installed at ${missing} (set YTDLP_PATH)`);
    expect((error as MediaDownloadError).reason).toBe('download_failed');
    expect(await readdir(folder)).toEqual([]);
  });

  it('passes on what yt-dlp says when the video is unavailable', async () => {
    const error: unknown = await downloader(`${sandbox.url}/watch`)
      .download({ url: `${sandbox.url}/watch?v=AAAAAAAAAAA`, destination: join(folder, 'video') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaDownloadError);
    expect((error as Error).message).toMatch(/yt-dlp exited with 1: ERROR: .*404/);
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses a file over the size cap and keeps nothing of it', async () => {
    await expect(
      downloader(`${sandbox.url}/watch`).download({ url: `${sandbox.url}/watch?v=${videoId}`, destination: join(folder, 'video'), maxBytes: 1_000 }),
    ).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(await readdir(folder)).toEqual([]);
  });

  it('kills yt-dlp when a file of unannounced size grows past the cap', async () => {
    const error: unknown = await downloader(`${direct.origin}/watch`)
      .download({ url: `${direct.origin}/watch?v=endlessVide`, destination: join(folder, 'video'), maxBytes: 1_000_000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaTooLargeError);
    expect(await readdir(folder)).toEqual([]);
  });

  it('kills yt-dlp on timeout and on cancellation, removing its partial output', async () => {
    sandbox.admin.addFault({ match: { api: 'media.watch' }, respond: 'hang', times: 'forever' });
    const url = `${sandbox.url}/watch?v=${videoId}`;
    const destination = join(folder, 'video');

    const timedOut: unknown = await downloader(`${sandbox.url}/watch`)
      .download({ url, destination, timeoutMs: 1_500 })
      .catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(MediaDownloadError);
    expect((timedOut as Error).message).toContain('yt-dlp did not finish within 1500 ms');

    const controller = new AbortController();
    const cancelled = downloader(`${sandbox.url}/watch`).download({ url, destination, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('export cancelled')), 300);
    await expect(cancelled).rejects.toThrow('export cancelled');
    expect(existsSync(`${destination}.ytdlp`)).toBe(false);
    expect(await readdir(folder)).toEqual([]);
  });

  it('is a MediaRefusedError for a URL that does not parse', async () => {
    await expect(downloader(`${sandbox.url}/watch`).download({ url: 'not a url', destination: join(folder, 'v') })).rejects.toBeInstanceOf(
      MediaRefusedError,
    );
  });
});
