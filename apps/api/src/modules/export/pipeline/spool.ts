import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import type { JsonValue } from '@app/platform-adapters';
import { PRIVATE_FILE_MODE } from '../../../common/private-files';

const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * An append-only NDJSON file of one collection's items. Its checkpointed length is the truth: after a
 * crash the spool is cut back to that length, so a page written but not checkpointed is written again
 * exactly once, never twice.
 */
export class Spool {
  constructor(readonly path: string) {}

  /** Appends one JSON line per record and makes it durable; returns the new length in bytes. */
  async append(records: JsonValue[]): Promise<number> {
    return this.appendLines(records.map((record) => JSON.stringify(record)));
  }

  /** Appends lines (each without a newline) and makes them durable; returns the new length in bytes. */
  async appendLines(lines: string[]): Promise<number> {
    const handle = await open(this.path, 'a', PRIVATE_FILE_MODE);
    try {
      if (lines.length > 0) {
        // appendFile writes until every byte is out: a single write may stop short on a full disk,
        // and a length counted from a half-written line would let the checkpoint claim it.
        await handle.appendFile(`${lines.join('\n')}\n`);
        // The checkpoint written next claims these bytes; they must be on disk before it.
        await handle.sync();
      }
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  }

  /** Cuts the file back to a checkpointed length (creating it when missing). */
  async truncateTo(bytes: number): Promise<void> {
    const handle = await open(this.path, 'a', PRIVATE_FILE_MODE);
    await handle.close();
    if ((await stat(this.path)).size !== bytes) await truncate(this.path, bytes);
  }

  /** The records in order, read as a stream. */
  async *records<T = JsonValue>(): AsyncGenerator<T> {
    for await (const line of this.lines()) yield JSON.parse(line.toString('utf8')) as T;
  }

  /** The lines in order, without their newline and undecoded: a line can be copied without being read. */
  async *lines(): AsyncGenerator<Buffer> {
    let rest: Buffer | undefined;
    for await (const chunk of createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      const data = rest ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        if (end > start) yield data.subarray(start, end);
        start = end + 1;
      }
      rest = start < data.length ? data.subarray(start) : undefined;
    }
    if (rest && rest.length > 0) yield rest;
  }
}
