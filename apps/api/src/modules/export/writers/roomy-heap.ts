import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's full collection, from a context made while the flag is on; the service's own global has none. */
const collectGarbage = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

let builds = 0;

/**
 * Runs an archive build with the heap allowed to double before a full collection.
 *
 * V8 starts a full collection once the old generation, plus the Buffers allocated since the last one,
 * outgrows the live heap by a growing factor. Under the 256 MiB limit `npm start` sets, that factor is
 * V8's smallest (1.3): with about 60 MiB live, a build streaming its spools through fresh Buffers set
 * off a full collection every 100-150 ms, which took half its time. A factor of 2 halves the build's
 * CPU. The rest of the time the factor is V8's own: while pages are collected, what reaches the old
 * generation is garbage by the next full collection, and at 2 a long export's heap grew about 60 MiB
 * past a short one's. V8 reads the flag whenever it sets the next limit (not from NODE_OPTIONS; 0 gives
 * the choice back to it), so the last build to end collects once: the limit it leaves is then V8's,
 * not the one set at 2, which the next export would otherwise fill with garbage first.
 */
export async function withRoomyHeap<T>(build: () => Promise<T>): Promise<T> {
  if (builds++ === 0) setFlagsFromString('--heap-growing-percent=100');
  try {
    return await build();
  } finally {
    if (--builds === 0) {
      setFlagsFromString('--heap-growing-percent=0');
      collectGarbage();
    }
  }
}
