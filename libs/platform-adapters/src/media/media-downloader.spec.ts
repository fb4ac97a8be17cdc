import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaDownloadError, MediaRefusedError, MediaTooLargeError } from '../errors';
import { startLocalServer, type LocalServer } from '../../test/local-server';
import { MediaDownloader } from './media-downloader';
import type { MediaOptions } from './media.options';

const IMAGE = Buffer.from('\x89PNG fake image bytes '.repeat(500), 'latin1');

function downloader(allowedHosts: string[], media: Partial<MediaOptions> = {}): MediaDownloader {
  return new MediaDownloader({ allowedHosts, ...media });
}

describe('MediaDownloader', () => {
  let server: LocalServer;
  let other: LocalServer;
  let dir: string;
  let media: MediaDownloader;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'star-export-media-'));
    other = await startLocalServer((_request, response) => void response.end('should never be asked'));
    server = await startLocalServer((request, response) => {
      switch (request.path) {
        case '/image.png':
          response.writeHead(200, { 'content-type': 'image/png', 'content-length': IMAGE.length });
          response.end(IMAGE);
          return;
        case '/moved':
          response.writeHead(302, { location: '/image.png' });
          response.end();
          return;
        case '/to-foreign':
          response.writeHead(302, { location: `${other.origin}/image.png` });
          response.end();
          return;
        case '/to-metadata':
          response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' });
          response.end();
          return;
        case '/loop':
          response.writeHead(307, { location: '/loop' });
          response.end();
          return;
        case '/huge-declared':
          response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 5 * 1024 * 1024 * 1024 });
          response.write('x');
          return;
        case '/huge-streamed': {
          response.writeHead(200, { 'content-type': 'video/mp4' });
          const chunk = Buffer.alloc(64 * 1024, 1);
          for (let index = 0; index < 32; index++) response.write(chunk);
          response.end();
          return;
        }
        case '/slow':
          response.writeHead(200, { 'content-type': 'video/mp4' });
          response.write(Buffer.alloc(1024));
          return; // never ends
        default:
          response.writeHead(404);
          response.end();
      }
    });
    media = downloader([`127.0.0.1:${server.port}`], { maxBytes: 1024 * 1024 });
  });

  afterEach(async () => {
    media.onModuleDestroy();
    await Promise.all([server.close(), other.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const files = () => readdir(dir);

  it('downloads from an allowed host to the destination with its sha256 and content type', async () => {
    const destination = join(dir, 'thumbs', 'abc.png');
    const result = await media.download({ url: `${server.origin}/image.png?sig=secret`, destination });
    expect(result).toEqual({
      bytes: IMAGE.length,
      sha256: createHash('sha256').update(IMAGE).digest('hex'),
      contentType: 'image/png',
      finalUrl: `${server.origin}/image.png`,
    });
    expect(await readFile(destination)).toEqual(IMAGE);
    expect(await readdir(join(dir, 'thumbs'))).toEqual(['abc.png']);
  });

  it('follows a redirect that stays on allowed hosts', async () => {
    const result = await media.download({ url: `${server.origin}/moved`, destination: join(dir, 'a.png') });
    expect(result.bytes).toBe(IMAGE.length);
    expect(server.requests.map((request) => request.path)).toEqual(['/moved', '/image.png']);
  });

  it.each([
    ['a host not on the list', (s: LocalServer) => `http://127.0.0.2:${s.port}/image.png`, 'host_not_allowed'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'host_not_allowed'],
    ['a file: URL', () => 'file:///etc/passwd', 'scheme'],
    ['a data: URL', () => 'data:image/png;base64,iVBORw0KGgo=', 'scheme'],
    ['credentials in the URL', (s: LocalServer) => `http://user:pass@127.0.0.1:${s.port}/image.png`, 'credentials'],
    ['an allowed host on another port', (s: LocalServer) => `http://127.0.0.1:${s.port + 1}/image.png`, 'host_not_allowed'],
  ])('refuses %s, writing nothing', async (_name, url, reason) => {
    const error: unknown = await media.download({ url: url(server), destination: join(dir, 'x') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaRefusedError);
    expect((error as MediaRefusedError).reason).toBe(reason);
    expect(server.requests).toHaveLength(0);
    expect(await files()).toEqual([]);
  });

  it('refuses a name on the allow-list that resolves to a private address', async () => {
    // Only an IP-literal entry opens a private address; "localhost" resolves to loopback.
    const byName = downloader([`localhost:${server.port}`]);
    try {
      const error: unknown = await byName
        .download({ url: `http://localhost:${server.port}/image.png`, destination: join(dir, 'x') })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MediaRefusedError);
      expect((error as MediaRefusedError).reason).toBe('private_address');
      expect(server.requests).toHaveLength(0);
      expect(await files()).toEqual([]);
    } finally {
      byName.onModuleDestroy();
    }
  });

  it.each([
    ['to a host not on the list', '/to-foreign', 'host_not_allowed'],
    ['to the metadata address', '/to-metadata', 'host_not_allowed'],
    ['in a loop', '/loop', 'too_many_redirects'],
  ])('refuses a redirect %s, writing nothing', async (_name, path, reason) => {
    const error: unknown = await media.download({ url: `${server.origin}${path}`, destination: join(dir, 'x') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaRefusedError);
    expect((error as MediaRefusedError).reason).toBe(reason);
    expect(other.requests).toHaveLength(0);
    expect(await files()).toEqual([]);
  });

  it('stops at 5 redirects', async () => {
    await media.download({ url: `${server.origin}/loop`, destination: join(dir, 'x') }).catch(() => undefined);
    expect(server.requests).toHaveLength(6);
  });

  it('refuses a file over the size cap, declared or streamed, leaving no file', async () => {
    for (const path of ['/huge-declared', '/huge-streamed']) {
      await expect(media.download({ url: `${server.origin}${path}`, destination: join(dir, 'big.mp4') })).rejects.toBeInstanceOf(
        MediaTooLargeError,
      );
    }
    expect(await files()).toEqual([]);
  });

  it('gives up on a body that never ends at the timeout, leaving no file', async () => {
    const error: unknown = await media
      .download({ url: `${server.origin}/slow`, destination: join(dir, 'slow.mp4'), timeoutMs: 300 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaDownloadError);
    expect((error as Error).message).toContain('timed out');
    expect(await files()).toEqual([]);
  });

  it('stops when the caller aborts, with the caller’s reason, leaving no file', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('export cancelled')), 100);
    await expect(
      media.download({ url: `${server.origin}/slow`, destination: join(dir, 'slow.mp4'), signal: controller.signal }),
    ).rejects.toThrow('export cancelled');
    expect(await files()).toEqual([]);
  });

  it('reports an HTTP error status', async () => {
    const error: unknown = await media.download({ url: `${server.origin}/missing`, destination: join(dir, 'x') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaDownloadError);
    expect((error as MediaDownloadError).status).toBe(404);
    expect(await files()).toEqual([]);
  });
});
