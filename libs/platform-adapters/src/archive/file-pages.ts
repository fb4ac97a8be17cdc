import type { Cursor, ExportItem, Page } from '../adapter/collection';
import { InvalidCursorError } from '../errors';

/**
 * Items per page: the pipeline checkpoints after each. An archive's post runs to several KiB with its
 * entities and is held twice (parsed, and as `raw`) until its page is written: with pages of 500 posts
 * of 10 KiB, a 2 GiB X import ran about 15 MiB larger than with pages of 200, whose extra checkpoints
 * did not change its time measurably.
 */
const PAGE_ITEMS = 200;

/**
 * A collection read from an archive's data files in order, page by page. Cursor
 * `<file index>:<elements done>`: a resumed import starts inside the file it stopped in and never reads
 * a finished file again.
 */
export async function* filePages<T>(
  files: readonly string[],
  elementsOf: (file: string) => AsyncIterable<T>,
  records: (value: T, file: string) => ExportItem[],
  where: { platform: string; collection: string; from?: Cursor; signal?: AbortSignal },
): AsyncGenerator<Page> {
  const [startFile, startElement] = parseCursor(where.platform, where.collection, where.from);
  if (files.length === 0) {
    yield { items: [] };
    return;
  }
  for (let fileIndex = startFile; fileIndex < files.length; fileIndex++) {
    let element = 0;
    let items: ExportItem[] = [];
    const skip = fileIndex === startFile ? startElement : 0;
    for await (const value of elementsOf(files[fileIndex])) {
      where.signal?.throwIfAborted();
      element++;
      if (element <= skip) continue;
      items.push(...records(value, files[fileIndex]));
      if (items.length >= PAGE_ITEMS) {
        yield { items, cursor: `${fileIndex}:${element}` };
        items = [];
      }
    }
    const last = fileIndex === files.length - 1;
    yield { items, ...(last ? {} : { cursor: `${fileIndex + 1}:0` }) };
  }
}

function parseCursor(platform: string, collection: string, cursor: Cursor | undefined): [number, number] {
  if (cursor === undefined) return [0, 0];
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match) throw new InvalidCursorError(platform, collection, cursor);
  return [Number(match[1]), Number(match[2])];
}
