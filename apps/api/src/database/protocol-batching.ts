import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

type Enqueue = (handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) => Promise<number>;

const PROTOCOL_V3 = 196608;
/** Messages after which PostgreSQL answers: Sync ends an extended-protocol batch, Query is one on its own. */
const BATCH_ENDS = new Set(['S', 'Q', 'X', 'H', 'd', 'c', 'f'].map((type) => type.charCodeAt(0)));

/**
 * pglite-socket 0.2 queues every protocol message on its own, so between one connection's Parse,
 * Bind and Execute another connection's statement can run on the shared backend and drop the
 * unnamed portal ("portal "" does not exist") under concurrent load. This hands each connection's
 * messages to the shared queue as whole batches, up to the Sync (or simple Query) that the
 * protocol defines as the unit, so batches from different connections never interleave.
 */
export function batchProtocolMessages(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: { enqueue: Enqueue } }).queryQueue;
  const enqueue = queue.enqueue.bind(queue);
  const pending = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const parts = pending.get(handlerId) ?? [];
    parts.push(message);
    if (!isStartup(message) && !BATCH_ENDS.has(message[0])) {
      pending.set(handlerId, parts);
      return Promise.resolve(0);
    }
    pending.delete(handlerId);
    return enqueue(handlerId, parts.length === 1 ? message : new Uint8Array(Buffer.concat(parts)), onData);
  };
}

function isStartup(message: Uint8Array): boolean {
  return message.length >= 8 && Buffer.from(message.buffer, message.byteOffset, message.length).readInt32BE(4) === PROTOCOL_V3;
}
