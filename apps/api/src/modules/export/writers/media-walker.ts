import type { MediaRecord } from '../pipeline/media-fetcher';

/** Pairs each item with its downloaded media files as the items stream by. */
export interface MediaWalker {
  /** Archive paths of the item's media files; items must be asked for in spool order. */
  namesFor(itemId: string): Promise<string[]>;
  /** Whether the collection has any media file at all. */
  hasAny(): Promise<boolean>;
}

/**
 * Media records come in item order, so one pass over both streams pairs them (a merge join) and
 * memory holds one record, not a map of every media file.
 */
export function mediaWalker(records?: () => AsyncIterable<MediaRecord>): MediaWalker {
  const iterator = records?.()[Symbol.asyncIterator]();
  let head: MediaRecord | undefined;
  let ended = !iterator;
  const peek = async (): Promise<MediaRecord | undefined> => {
    if (!head && !ended) {
      const next = await (iterator as AsyncIterator<MediaRecord>).next();
      if (next.done) ended = true;
      else head = next.value;
    }
    return head;
  };
  return {
    async namesFor(itemId) {
      const names: string[] = [];
      for (let record = await peek(); record && record.itemId === itemId; record = await peek()) {
        names.push(record.name);
        head = undefined;
      }
      return names;
    },
    async hasAny() {
      return (await peek()) !== undefined;
    },
  };
}
