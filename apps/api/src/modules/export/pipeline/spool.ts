import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { JsonValue } from '@app/platform-adapters';
import { PRIVATE_FILE_MODE } from '../../../common/private-files';

/**
 * An append-only NDJSON file of one collection's items. Its checkpointed length is the truth: after a
 * crash the spool is cut back to that length, so a page written but not checkpointed is written again
 * exactly once, never twice.
 */
export class Spool {
  constructor(readonly path: string) {}

  /** Appends one JSON line per record and makes it durable; returns the new length in bytes. */
  async append(records: JsonValue[]): Promise<number> {
    const handle = await open(this.path, 'a', PRIVATE_FILE_MODE);
    try {
      if (records.length > 0) {
        // appendFile writes until every byte is out: a single write may stop short on a full disk,
        // and a length counted from a half-written line would let the checkpoint claim it.
        await handle.appendFile(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
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
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.length > 0) yield JSON.parse(line) as T;
    }
  }
}
