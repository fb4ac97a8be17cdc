import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { MediaDownloadError, MediaRefusedError, MediaTooLargeError } from '../errors';
import { abortReason } from '../http/http-policy';
import type { MediaDownloadRequest, MediaDownloadResult } from '../media/media-downloader';
import type { MediaFileFetcher } from '../media/media-file-fetcher';
import type { MediaOptions } from '../media/media.options';
import { MEDIA_OPTIONS } from '../platform-adapters.tokens';
import { watchPageUrl } from './youtube-records';
import { YOUTUBE_OPTIONS, type YouTubeOptions } from './youtube.options';

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 60 * 60_000;
/** How often the work folder is measured against the size cap while yt-dlp writes. */
const SIZE_CHECK_MS = 500;
/** yt-dlp's output kept for error messages (the tail). */
const OUTPUT_KEPT = 16 * 1024;
/** The only environment yt-dlp gets: our secrets (JWT_SECRET, DATABASE_URL, …) stay with us. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.3gp': 'video/3gpp',
  '.flv': 'video/x-flv',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
};

/**
 * Fetches the video file of one of the user's uploads with yt-dlp, for media references marked
 * `via: 'ytdlp'`. Best-effort by nature: Debian's yt-dlp (2023.03.04) is too old for today's YouTube, and
 * YouTube asks some clients to sign in; every failure is a MediaError the export records and steps over.
 *
 * Only `<youtube.watchUrl>?v=<11-character id>` is accepted, rebuilt from the id, so yt-dlp is never
 * pointed anywhere else. yt-dlp runs from an argument array (never a shell), with `--ignore-config`, a
 * minimal environment, `-f b` (the best single file: no ffmpeg merge needed), `--max-filesize`, and its
 * output in a private folder next to the destination that is removed afterwards, `.part` files and all.
 * The size cap is also checked while it writes (yt-dlp only enforces it when the size is announced); the
 * timeout, the cap and the caller's AbortSignal kill its process group.
 */
@Injectable()
export class VideoFileDownloader implements MediaFileFetcher {
  private readonly path: string;
  private readonly watchUrl: URL;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(@Inject(YOUTUBE_OPTIONS) youtube: YouTubeOptions, @Inject(MEDIA_OPTIONS) media: MediaOptions) {
    this.path = youtube.ytdlpPath;
    this.watchUrl = new URL(youtube.watchUrl);
    this.maxBytes = media.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = youtube.videoTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Same request and result as MediaDownloader.download: the file ends up at `destination`, or nowhere. */
  async download(request: MediaDownloadRequest): Promise<MediaDownloadResult> {
    const url = this.checkUrl(request.url);
    const maxBytes = request.maxBytes ?? this.maxBytes;
    request.signal?.throwIfAborted();
    const work = `${request.destination}.ytdlp`;
    try {
      await rm(work, { recursive: true, force: true });
      await mkdir(work, { recursive: true, mode: 0o700 });
      const output = await this.run(url, work, maxBytes, request.timeoutMs ?? this.timeoutMs, request.signal);
      const written = (await readdir(work)).filter((name) => !/\.(part|ytdl|temp)$/.test(name));
      if (written.length !== 1) {
        if (/max-filesize/.test(output)) throw new MediaTooLargeError(url, maxBytes);
        throw new MediaDownloadError(url, `yt-dlp wrote ${written.length} files (${lastLine(output) || 'no output'})`);
      }
      const file = join(work, written[0]);
      const { size } = await stat(file);
      if (size > maxBytes) throw new MediaTooLargeError(url, maxBytes);
      const hash = createHash('sha256');
      await pipeline(createReadStream(file), hash);
      // yt-dlp creates files with the process umask; the export's media files are the owner's only.
      await chmod(file, 0o600);
      await rename(file, request.destination);
      return {
        bytes: size,
        sha256: hash.digest('hex'),
        contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        finalUrl: url,
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The watch URL rebuilt from the video id, or MediaRefusedError. */
  private checkUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new MediaRefusedError('(unparseable URL)', 'not_a_video', 'not a URL');
    }
    const shown = `${url.origin}${url.pathname}`;
    if (url.origin !== this.watchUrl.origin || url.pathname !== this.watchUrl.pathname) {
      throw new MediaRefusedError(shown, 'not_a_video', `video files are only fetched from ${this.watchUrl.origin}${this.watchUrl.pathname}`);
    }
    const id = url.searchParams.get('v') ?? '';
    if (!/^[A-Za-z0-9_-]{11}$/.test(id)) throw new MediaRefusedError(shown, 'not_a_video', 'no YouTube video id in ?v=');
    return watchPageUrl(this.watchUrl.toString(), id);
  }

  /** Runs yt-dlp to completion; resolves with the tail of its output, rejects with a MediaError or the abort reason. */
  private run(url: string, work: string, maxBytes: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
    const args = [
      '--ignore-config',
      '--no-playlist',
      '--no-progress',
      '--restrict-filenames',
      '--no-cache-dir',
      '--max-filesize',
      String(maxBytes),
      '-f',
      'b',
      '-o',
      join(work, 'video.%(ext)s'),
      '--',
      url,
    ];
    const env = Object.fromEntries(PASSED_ENV.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
    return new Promise<string>((resolve, reject) => {
      // Its own process group, so a kill also takes any helper it started (ffmpeg).
      const child = spawn(this.path, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let output = '';
      let failure: Error | undefined;
      let settled = false;
      const collect = (chunk: Buffer): void => {
        output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);

      const stop = (error: Error): void => {
        failure ??= error;
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }
      };
      const timer = setTimeout(() => stop(new MediaDownloadError(url, `yt-dlp did not finish within ${timeoutMs} ms`)), timeoutMs);
      const sizeCheck = setInterval(() => {
        void folderBytes(work).then((bytes) => {
          if (bytes > maxBytes) stop(new MediaTooLargeError(url, maxBytes));
        });
      }, SIZE_CHECK_MS);
      const onAbort = (): void => stop(abortReason(signal as AbortSignal));
      signal?.addEventListener('abort', onAbort, { once: true });

      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(sizeCheck);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(output);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        const detail =
          error.code === 'ENOENT'
            ? `yt-dlp is not installed at ${this.path} (set YTDLP_PATH)`
            : error.code === 'EACCES'
              ? `${this.path} is not executable (YTDLP_PATH)`
              : `yt-dlp could not be started: ${error.message}`;
        settle(new MediaDownloadError(url, detail, undefined, { cause: error }));
      });
      child.on('close', (code, killedBy) => {
        if (failure) settle(failure);
        else if (code !== 0) settle(new MediaDownloadError(url, `yt-dlp ${code === null ? `was killed (${killedBy})` : `exited with ${code}`}: ${lastLine(output) || 'no output'}`));
        else settle();
      });
    });
  }
}

/** Bytes in the work folder; files that vanish meanwhile (.part renamed) count as nothing. */
async function folderBytes(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => []);
  const sizes = await Promise.all(names.map((name) => stat(join(folder, name)).then((entry) => entry.size, () => 0)));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** yt-dlp's last `ERROR:` line, or its last line, for the error message. */
function lastLine(output: string): string {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const line = [...lines].reverse().find((candidate) => candidate.startsWith('ERROR:')) ?? lines.at(-1) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
