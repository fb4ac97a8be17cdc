import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { deflateRawSync } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { X_ACCOUNT, tweetId, v11Tweet } from '../../test/imports/x-archive-fixture';

/** One post per this many archive bytes: 2 GiB holds about 210,000, a long-time heavy poster's history. */
const BYTES_PER_POST = 10 * 1024;
/** A phone photo's size; the media are stored, not deflated, as X ships them. */
const MEDIA_FILE_BYTES = 4 * 1024 * 1024;
/** tweets.js is written (and deflated) in pieces of about this size. */
const CHUNK_BYTES = 1024 * 1024;

export interface GeneratedArchive {
  path: string;
  bytes: number;
  posts: number;
  mediaFiles: number;
  mediaBytes: number;
}

const ytdHead = (type: string): string => `window.YTD.${type}.part0 = [\n`;
const element = (n: number, withMedia: boolean): string => {
  const media = withMedia ? { extended_entities: { media: [{ id_str: String(n), type: 'photo', media_url_https: `https://pbs.twimg.com/media/Bench${n}.jpg`, url: `https://t.co/media${n}` }] } } : {};
  return JSON.stringify({ tweet: v11Tweet(n, media) }, null, 2);
};

/** The deflated size of a post in tweets.js, from a sample, to size the media so the archive lands near its target. */
function deflatedBytesPerPost(): number {
  const sample = Array.from({ length: 2_000 }, (_, i) => element(100_000 + i, false)).join(',\n');
  return deflateRawSync(Buffer.from(sample, 'utf8'), { level: 6 }).length / 2_000;
}

/** tweets.js as X writes it, `window.YTD.tweets.part0 = [ … ]`, in pieces of about CHUNK_BYTES. */
function* tweetsJs(posts: number, mediaFiles: number): Generator<string> {
  let piece = ytdHead('tweets');
  for (let n = 1; n <= posts; n++) {
    piece += `${element(n, n <= mediaFiles)}${n < posts ? ',\n' : '\n'}`;
    if (piece.length >= CHUNK_BYTES) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]`;
}

/** A media file's bytes: the shared random block behind a header that makes each file distinct. */
function* mediaBytes(n: number, block: Buffer): Generator<Buffer> {
  const header = Buffer.from(`bench media ${n}\n`.padEnd(64, ' '));
  yield header;
  for (let at = header.length; at < MEDIA_FILE_BYTES; at += CHUNK_BYTES) yield block.subarray(at, Math.min(MEDIA_FILE_BYTES, at + CHUNK_BYTES));
}

/**
 * An X archive of about `targetBytes` (the shape of test/imports/x-archive-fixture.ts: `data/manifest.js`,
 * `data/account.js`, `data/tweets.js`, `data/tweets_media/<tweetId>-…`), streamed to `path` and never
 * held in memory: one post per 10 KiB in a single deflated tweets.js, so the import's JSON path reads
 * a realistic number of records, and the rest in 4 MiB stored media files linked to the first posts.
 */
export async function writeXArchive(path: string, targetBytes: number): Promise<GeneratedArchive> {
  const posts = Math.max(1, Math.round(targetBytes / BYTES_PER_POST));
  const mediaFiles = Math.max(1, Math.round((targetBytes - posts * deflatedBytesPerPost()) / MEDIA_FILE_BYTES));
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const output = createWriteStream(path);
  zip.pipe(output);
  const dataTypes = {
    account: { files: [{ fileName: 'data/account.js', globalName: 'YTD.account.part0', count: '1' }] },
    tweets: { files: [{ fileName: 'data/tweets.js', globalName: 'YTD.tweets.part0', count: String(posts) }] },
  };
  const manifest = { userInfo: X_ACCOUNT, archiveInfo: { sizeBytes: String(targetBytes), generationDate: '2024-01-01T00:00:00.000Z', isPartialArchive: false }, dataTypes };
  zip.append(`window.__THAR_CONFIG = ${JSON.stringify(manifest, null, 2)}`, { name: 'data/manifest.js' });
  const account = { account: { accountId: X_ACCOUNT.accountId, username: X_ACCOUNT.userName, accountDisplayName: X_ACCOUNT.displayName, createdAt: '2012-03-04T05:06:07.000Z' } };
  zip.append(`${ytdHead('account')}${JSON.stringify(account, null, 2)}\n]`, { name: 'data/account.js' });
  // archiver takes one entry at a time from its queue, so each generator runs only when its turn comes.
  zip.append(Readable.from(tweetsJs(posts, mediaFiles)), { name: 'data/tweets.js' });
  const block = randomBytes(MEDIA_FILE_BYTES);
  for (let n = 1; n <= mediaFiles; n++) {
    zip.append(Readable.from(mediaBytes(n, block)), { name: `data/tweets_media/${tweetId(n)}-Bench${n}.jpg`, store: true });
  }
  await zip.finalize();
  await finished(output);
  return { path, bytes: zip.pointer(), posts, mediaFiles, mediaBytes: mediaFiles * MEDIA_FILE_BYTES };
}
