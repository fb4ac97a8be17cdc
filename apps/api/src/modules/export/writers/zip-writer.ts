import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { archivePartPath } from '../export-storage';
import { PRIVATE_FILE_MODE } from '../../../common/private-files';
import { packedChunks } from './packed-chunks';
import { ReadBuffers } from './read-buffers';

/** What the manifest records of each file: its size and sha256, so a reader can check the archive. */
export interface WrittenEntry {
  name: string;
  bytes: number;
  sha256: string;
}

/**
 * Streams entries into `<target>.part` one at a time (archiver holds one entry in flight, so memory
 * does not grow with the export) and renames it to `target` only once the ZIP is complete and on
 * disk: a crash never leaves a file that looks finished.
 */
export class ZipWriter {
  private readonly zip = new ZipArchive({ zlib: { level: 1 }, forceZip64: false });
  private readonly partPath: string;
  private readonly output;
  private readonly entries: WrittenEntry[] = [];
  private readonly readBuffers = new ReadBuffers();
  private failure?: Error;

  constructor(private readonly target: string) {
    this.partPath = archivePartPath(target);
    this.output = createWriteStream(this.partPath, { mode: PRIVATE_FILE_MODE });
    this.zip.on('error', (error: Error) => (this.failure = error));
    this.output.on('error', (error: Error) => (this.failure = error));
    // Piped by hand to learn when each chunk is on disk: a media file's read buffers are then reused.
    this.zip.on('data', (chunk: Buffer) => {
      const room = this.output.write(chunk, (error) => {
        if (!error) this.readBuffers.written(chunk);
      });
      if (!room) this.zip.pause();
    });
    this.output.on('drain', () => this.zip.resume());
    this.zip.on('end', () => this.output.end());
  }

  get written(): readonly WrittenEntry[] {
    return this.entries;
  }

  /** Adds UTF-8 text produced chunk by chunk; resolves once archiver has consumed the entry. */
  async addText(name: string, chunks: AsyncIterable<string | Buffer>): Promise<WrittenEntry> {
    return this.add(name, Readable.from(packedChunks(chunks), { objectMode: false }), false);
  }

  /** Adds a file from disk; already-compressed media is stored, not deflated again. */
  async addFile(name: string, path: string, compressed: boolean): Promise<WrittenEntry> {
    return this.add(name, this.readBuffers.fileStream(path), compressed);
  }

  async finish(): Promise<number> {
    this.throwIfFailed();
    await this.zip.finalize();
    await finished(this.output);
    this.throwIfFailed();
    const handle = await open(this.partPath, 'r');
    try {
      // A .part left by a crashed attempt keeps its old mode when overwritten; the archive never does.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.partPath, this.target);
    return this.zip.pointer();
  }

  async abort(): Promise<void> {
    this.zip.abort();
    this.output.destroy();
    await rm(this.partPath, { force: true });
  }

  private async add(name: string, source: Readable, store: boolean): Promise<WrittenEntry> {
    this.throwIfFailed();
    const hash = createHash('sha256');
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    source.on('error', (error: Error) => counted.destroy(error));
    source.pipe(counted);
    const consumed = new Promise<void>((resolve, reject) => {
      const onEntry = (): void => {
        this.zip.off('error', reject);
        resolve();
      };
      this.zip.once('entry', onEntry);
      this.zip.once('error', reject);
      counted.once('error', (error: Error) => {
        this.zip.off('entry', onEntry);
        reject(error);
      });
    });
    this.zip.append(counted, { name, store, date: new Date() });
    await consumed;
    const entry = { name, bytes, sha256: hash.digest('hex') };
    this.entries.push(entry);
    return entry;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
