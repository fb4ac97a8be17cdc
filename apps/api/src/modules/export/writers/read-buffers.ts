import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A read's size: a file stream's, so a media file passes in as many chunks as before. */
const BUFFER_BYTES = 64 * 1024;
/** More than the chunks in flight between a file's read and the archive file's write (about ten). */
const KEPT = 32;

/**
 * Buffers that files are read into, which come back once the archive file has written them. Read
 * through a file stream, every 64 KiB of a media file took a fresh buffer, dead as soon as it was
 * written: building a 2 GiB archive, 20-30 MiB of them waited for each collection. A buffer is read
 * into again only once the very chunk handed out (same bytes, same length) is written, so a chunk
 * that some stage kept, copied or split never has its bytes overwritten: its buffer is just not
 * returned, and a new one takes its place.
 */
export class ReadBuffers {
  private readonly free: Buffer[] = [];
  /** Keyed by memory, which a chunk passed along unchanged still points to; weak, for those never returned. */
  private readonly lent = new WeakMap<ArrayBufferLike, { buffer: Buffer; bytes: number }>();

  fileStream(path: string): Readable {
    return new FileInBuffers(path, this);
  }

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES);
  }

  lend(buffer: Buffer, bytes: number): Buffer {
    this.lent.set(buffer.buffer, { buffer, bytes });
    return buffer.subarray(0, bytes);
  }

  giveBack(buffer: Buffer): void {
    if (this.free.length < KEPT) this.free.push(buffer);
  }

  /** Called with every chunk the archive file has written. */
  written(chunk: Buffer): void {
    const loan = this.lent.get(chunk.buffer);
    if (!loan || chunk.byteOffset !== loan.buffer.byteOffset || chunk.length !== loan.bytes) return;
    this.lent.delete(chunk.buffer);
    this.giveBack(loan.buffer);
  }
}

class FileInBuffers extends Readable {
  private file?: FileHandle;

  constructor(
    private readonly path: string,
    private readonly buffers: ReadBuffers,
  ) {
    super();
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'r').then((file) => {
      this.file = file;
      callback();
    }, callback);
  }

  override _read(): void {
    const buffer = this.buffers.take();
    this.file!.read(buffer, 0, buffer.length, null).then(
      ({ bytesRead }) => {
        if (bytesRead > 0) {
          this.push(this.buffers.lend(buffer, bytesRead));
          return;
        }
        this.buffers.giveBack(buffer);
        this.push(null);
      },
      (error: Error) => {
        this.buffers.giveBack(buffer);
        this.destroy(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.file) return callback(error);
    this.file.close().then(
      () => callback(error),
      (closing: Error) => callback(error ?? closing),
    );
  }
}
