import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import type { JsonValue } from '@app/platform-adapters';
import { PRIVATE_FILE_MODE } from '../../../common/private-files';

const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 256 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * An append-only NDJSON file of one collection's items. Its checkpointed length is the truth: after a
 * crash the spool is cut back to that length, so a page written but not checkpointed is written again
 * exactly once, never twice.
 */
export class Spool {
  /** Kept open between pages of a collection, and its length known, to spare a page its open, stat and close. */
  private handle?: FileHandle;
  private length?: number;
  private scratch = EMPTY;

  constructor(readonly path: string) {}

  /** Appends one JSON line per record and makes it durable; returns the new length in bytes. */
  async append(records: JsonValue[]): Promise<number> {
    return this.appendLines(records.map((record) => JSON.stringify(record)));
  }

  /** Appends lines (each without a newline) and makes them durable; returns the new length in bytes. */
  async appendLines(lines: string[]): Promise<number> {
    if (lines.length === 0 && this.length !== undefined) return this.length;
    try {
      this.handle ??= await open(this.path, 'a', PRIVATE_FILE_MODE);
      this.length ??= (await this.handle.stat()).size;
      if (lines.length > 0) {
        const bytes = this.encode(lines);
        // A write may stop short on a full disk, and a length counted from a half-written line would
        // let the checkpoint claim it: the rest goes out in full, or fails.
        for (let written = 0; written < bytes; ) {
          const { bytesWritten } = await this.handle.write(this.scratch, written, bytes - written);
          if (bytesWritten === 0) throw new Error(`${this.path}: the write stopped at byte ${written} of ${bytes}`);
          written += bytesWritten;
        }
        // The checkpoint written next claims these bytes; they must be on disk before it.
        await this.handle.sync();
        this.length += bytes;
      }
      return this.length;
    } catch (error) {
      // How much of a failed write reached the file is unknown: the checkpoint's length is the truth.
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Encodes the lines, each with its newline, into the spool's own buffer and returns their length.
   * One buffer, grown to the largest page and reused: a page joined into one string was measured
   * twice (its byte length, then its encoding), and a Buffer per page would add external memory that
   * waits for the next full collection.
   */
  private encode(lines: string[]): number {
    let used = 0;
    for (const line of lines) {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      const needed = used + line.length * 3 + 1;
      if (needed > this.scratch.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.scratch.length * 2));
        this.scratch.copy(grown, 0, 0, used);
        this.scratch = grown;
      }
      used += this.scratch.write(line, used, 'utf8');
      this.scratch[used++] = NEWLINE;
    }
    return used;
  }

  /** Cuts the file back to a checkpointed length (creating it when missing). */
  async truncateTo(bytes: number): Promise<void> {
    await this.close();
    const handle = await open(this.path, 'a', PRIVATE_FILE_MODE);
    await handle.close();
    if ((await stat(this.path)).size !== bytes) await truncate(this.path, bytes);
    this.length = bytes;
  }

  /** Lets go of the file kept open for appending; the spool can still be appended to (it reopens). */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.length = undefined;
    this.scratch = EMPTY;
    await handle?.close();
  }

  /** The records in order, read as a stream (`from` and `to` as for lines()). */
  async *records<T = JsonValue>(from = 0, to?: number): AsyncGenerator<T> {
    for await (const line of this.lines(from, to)) yield JSON.parse(line.toString('utf8')) as T;
  }

  /**
   * The lines in order, without their newline and undecoded: a line can be copied without being read.
   * `from` and `to` (byte offsets at line boundaries, such as two checkpointed lengths) read part of it.
   */
  async *lines(from = 0, to?: number): AsyncGenerator<Buffer> {
    if (to !== undefined && to <= from) return;
    let rest: Buffer | undefined;
    const range = { start: from, end: to === undefined ? undefined : to - 1 };
    for await (const chunk of createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES, ...range }) as AsyncIterable<Buffer>) {
      let start = 0;
      if (rest) {
        // Only the line that spans the two chunks is copied, not the whole chunk after it.
        const end = chunk.indexOf(NEWLINE);
        if (end === -1) {
          rest = Buffer.concat([rest, chunk]);
          continue;
        }
        const line = Buffer.concat([rest, chunk.subarray(0, end)]);
        if (line.length > 0) yield line;
        start = end + 1;
      }
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        if (end > start) yield chunk.subarray(start, end);
        start = end + 1;
      }
      rest = start < chunk.length ? chunk.subarray(start) : undefined;
    }
    if (rest && rest.length > 0) yield rest;
  }
}
