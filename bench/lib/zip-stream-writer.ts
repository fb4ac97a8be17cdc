import { open, type FileHandle } from 'node:fs/promises';
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** Past 4 GiB a ZIP needs ZIP64 records, which this writer does not write. */
export const ZIP32_MAX_BYTES = 0xffff_ffff;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/**
 * Writes a ZIP to disk entry by entry (APPNOTE 4.3), without holding an entry's bytes: each entry's
 * chunks are written as they come (stored, or deflated chunk by chunk), and its local header is
 * patched with the CRC-32 and sizes once the entry ends. For benchmark archives of a few GiB: no ZIP64.
 */
export class ZipStreamWriter {
  private readonly entries: CentralEntry[] = [];
  private offset = 0;

  private constructor(private readonly file: FileHandle) {}

  static async create(path: string): Promise<ZipStreamWriter> {
    return new ZipStreamWriter(await open(path, 'w'));
  }

  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * One entry from its chunks. Deflated entries are compressed a chunk at a time with a sync flush
   * between chunks, which stays one valid raw deflate stream.
   */
  async add(entryName: string, chunks: Iterable<Buffer | string> | AsyncIterable<Buffer | string>, deflate = false): Promise<void> {
    const name = Buffer.from(entryName, 'utf8');
    const headerAt = this.offset;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt16LE(name.length, 26);
    await this.write(Buffer.concat([local, name]));
    let crc = 0;
    let size = 0;
    let compressed = 0;
    let pending: Buffer | undefined;
    const flush = async (chunk: Buffer, last: boolean): Promise<void> => {
      const body = deflate ? deflateRawSync(chunk, { level: 6, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }) : chunk;
      compressed += body.length;
      await this.write(body);
    };
    for await (const part of chunks) {
      const chunk = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (pending) await flush(pending, false);
      pending = chunk;
    }
    await flush(pending ?? Buffer.alloc(0), true);
    if (this.offset > ZIP32_MAX_BYTES) throw new Error(`the archive passed ${ZIP32_MAX_BYTES} bytes, which needs ZIP64`);
    const sizes = Buffer.alloc(12);
    sizes.writeUInt32LE(crc >>> 0, 0);
    sizes.writeUInt32LE(compressed, 4);
    sizes.writeUInt32LE(size, 8);
    await this.file.write(sizes, 0, 12, headerAt + 14);
    this.entries.push({ name, method: deflate ? 8 : 0, crc: crc >>> 0, compressed, size, offset: headerAt });
  }

  /** Writes the central directory and the end record, and closes the file; returns its size. */
  async close(): Promise<number> {
    if (this.entries.length > 0xffff) throw new Error(`${this.entries.length} entries need ZIP64 records`);
    const start = this.offset;
    for (const entry of this.entries) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE((3 << 8) | 20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0x0800, 8);
      central.writeUInt16LE(entry.method, 10);
      central.writeUInt32LE(entry.crc, 16);
      central.writeUInt32LE(entry.compressed, 20);
      central.writeUInt32LE(entry.size, 24);
      central.writeUInt16LE(entry.name.length, 28);
      central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      central.writeUInt32LE(entry.offset, 42);
      await this.write(Buffer.concat([central, entry.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    await this.file.close();
    return this.offset;
  }

  private async write(buffer: Buffer): Promise<void> {
    await this.file.write(buffer, 0, buffer.length, this.offset);
    this.offset += buffer.length;
  }
}
