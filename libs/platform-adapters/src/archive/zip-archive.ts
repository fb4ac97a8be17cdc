import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline as pipelineCallback, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { InvalidArchiveError, type InvalidArchiveReason } from './invalid-archive';

/** What an uploaded archive may hold; past any of these it is refused before anything is unpacked. */
export interface ZipLimits {
  /** Real exports hold a few thousand files; a hundred thousand tiny entries is an attack on the reader. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** Uncompressed/compressed of one entry, for entries past `ratioFloorBytes`: a zip bomb's signature. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 50_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 1024 ** 2,
};

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * A ZIP file read through its central directory with yauzl: every entry is checked before anything is
 * unpacked (names, symlinks, sizes, ratios, nested archives), and entries are then streamed one at a
 * time with their CRC-32 verified, so nothing lands outside the file the caller names and memory stays
 * flat whatever the archive's size. yauzl also refuses an entry that inflates past its declared size.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
  ) {}

  static async open(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (error, file) =>
        error ? reject(refusal(error)) : resolve(file),
      ),
    ).catch(async (error: unknown) => {
      // A ZIP cut short loses its central directory, which is at the end: it still starts like one.
      if (error instanceof InvalidArchiveError && error.reason === 'not_a_zip' && (await startsLikeZip(path))) {
        throw new InvalidArchiveError('corrupt', 'The archive is truncated: its central directory is missing (was the download complete?)');
      }
      throw error;
    });
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new InvalidArchiveError('too_many_entries', `The archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are read`);
      }
      const byName = await scanEntries(zip, limits);
      if (byName.size === 0) throw new InvalidArchiveError('empty', 'The archive holds no files');
      return new ZipArchive(zip, byName);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  sizeOf(name: string): number | undefined {
    return this.byName.get(name)?.uncompressedSize;
  }

  /**
   * The entry's bytes, inflated and checked against its size and CRC-32 as they pass. The inflating is
   * ours rather than yauzl's: yauzl replaces destroy() on the stream it returns with one that drops its
   * error, so when its own size check fails (damaged deflate data inflating past the declared size),
   * Node destroys that stream through it and neither 'error' nor 'end' is ever emitted: the reader
   * waits for ever. Here every stage is one pipeline, and any failure reaches the returned stream.
   */
  async stream(name: string): Promise<Readable> {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no entry "${name}" in the archive`);
    const deflated = entry.compressionMethod === 8;
    const raw = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, { decompress: deflated ? false : null, decrypt: null, start: 0, end: entry.compressedSize }, (error, stream) => (error ? reject(refusal(error)) : resolve(stream))),
    );
    const checked = new CrcCheck(entry);
    const stages: NodeJS.ReadWriteStream[] = deflated ? [createInflateRaw(), checked] : [checked];
    pipelineCallback([raw, ...stages] as unknown as [Readable, ...NodeJS.ReadWriteStream[]], (error) => {
      if (error && !checked.destroyed) checked.destroy(refusal(error));
    });
    return checked;
  }

  /** A whole entry as UTF-8 text, for the small files (account, profile); refused past `maxBytes`. */
  async text(name: string, maxBytes: number): Promise<string> {
    const size = this.sizeOf(name) ?? 0;
    if (size > maxBytes) throw new InvalidArchiveError('too_large', `${name} is ${size} bytes; at most ${maxBytes} are read whole`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Writes an entry to `destination` (a path the caller chose, never one taken from the archive). */
  async copyTo(name: string, destination: string, signal?: AbortSignal): Promise<{ bytes: number; sha256: string }> {
    const source = await this.stream(name);
    const hash = createHash('sha256');
    let bytes = 0;
    source.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(source, createWriteStream(destination, { mode: 0o600 }), { signal });
    return { bytes, sha256: hash.digest('hex') };
  }

  close(): void {
    this.zip.close();
  }
}

async function scanEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<Map<string, yauzl.Entry>> {
  const byName = new Map<string, yauzl.Entry>();
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (error: Error) => reject(refusal(error)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        checkEntry(entry, limits);
        if (!entry.fileName.endsWith('/')) {
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes) {
            throw new InvalidArchiveError('too_large', `The archive unpacks to more than ${limits.maxTotalBytes} bytes`);
          }
          byName.set(entry.fileName, entry);
        }
        zip.readEntry();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    zip.readEntry();
  });
  return byName;
}

function checkEntry(entry: yauzl.Entry, limits: ZipLimits): void {
  const name = entry.fileName;
  // yauzl refuses absolute names and `..` itself; drive letters and empty segments are checked here.
  if (/^[A-Za-z]:/.test(name) || name.split('/').some((part, i, all) => part === '..' || (part === '' && i < all.length - 1))) {
    throw new InvalidArchiveError('unsafe_path', `The entry "${printable(name)}" points outside the archive`);
  }
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw new InvalidArchiveError('symlink', `The entry "${printable(name)}" is a symbolic link`);
  }
  if (/\.zip$/i.test(name)) {
    throw new InvalidArchiveError('nested_zip', `The entry "${printable(name)}" is another ZIP: upload the archives one at a time, unpacked from each other`);
  }
  const size = entry.uncompressedSize;
  if (size > limits.ratioFloorBytes && size > limits.maxRatio * Math.max(1, entry.compressedSize)) {
    throw new InvalidArchiveError('compression_ratio', `The entry "${printable(name)}" inflates more than ${limits.maxRatio} times: refused as a zip bomb`);
  }
}

/** yauzl's and zlib's messages, turned into the reason a client can act on. */
function refusal(error: Error): InvalidArchiveError {
  if (error instanceof InvalidArchiveError) return error;
  const message = error.message;
  const reason: InvalidArchiveReason = /end of central directory record signature not found/.test(message)
    ? 'not_a_zip'
    : /absolute path|invalid relative path|invalid characters in fileName/.test(message)
      ? 'unsafe_path'
      : 'corrupt';
  const text =
    reason === 'not_a_zip'
      ? 'The file is not a ZIP archive'
      : reason === 'unsafe_path'
        ? `An entry's name points outside the archive (${message})`
        : `The archive is truncated or corrupt (${message})`;
  return new InvalidArchiveError(reason, text);
}

async function startsLikeZip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    return head.equals(LOCAL_HEADER);
  } finally {
    await file.close();
  }
}

function printable(name: string): string {
  // Control characters of a hostile name never reach a message or a log line as they are.
  return [...name].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c)).join('').slice(0, 200);
}

/**
 * Fails the stream when the inflated bytes run past the entry's declared size (at once: a lying header
 * is how a zip bomb hides), or at its end when they fall short of it or do not match its CRC-32.
 */
class CrcCheck extends Transform {
  private crc = 0;
  private bytes = 0;

  constructor(private readonly entry: yauzl.Entry) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.entry.uncompressedSize) {
      callback(new InvalidArchiveError('corrupt', `The entry "${printable(this.entry.fileName)}" is corrupt (it inflates past its declared size)`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.uncompressedSize) {
      callback(new InvalidArchiveError('corrupt', `The entry "${printable(this.entry.fileName)}" is corrupt (it ends early)`));
      return;
    }
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) {
      callback(new InvalidArchiveError('corrupt', `The entry "${printable(this.entry.fileName)}" is corrupt (checksum mismatch)`));
      return;
    }
    callback();
  }
}
