import type { ExportFormat } from '@app/contracts';
import type { JsonObject } from '@app/platform-adapters';
import type { MediaRecord } from '../pipeline/media-fetcher';
import type { SpooledItem } from '../pipeline/spooled-item';
import { csvRow } from './csv';
import { CsvColumns } from './csv-columns';
import { flatten } from './flatten';
import { htmlViewer, type ViewerInfo } from './html-viewer';
import { displayRecord, recordOf } from './item-record';
import { mediaWalker } from './media-walker';

/** One file of the archive, produced as a stream of text chunks. */
export interface ArchiveFile {
  name: string;
  content: () => AsyncIterable<string | Buffer>;
}

/** What the writers need of a collection: its name, count and a way to stream its items (again). */
export interface CollectionSource {
  name: string;
  count: number;
  items: () => AsyncIterable<SpooledItem>;
  /** The collection's downloaded media, in the same order as its items. */
  media?: () => AsyncIterable<MediaRecord>;
  /** Its CSV columns, when they were counted as its items were collected. */
  columns?: CsvColumns;
}

/** The files of one format, yielded one at a time: each is written out before the next is made. */
export async function* collectionFiles(
  format: ExportFormat,
  collections: CollectionSource[],
  viewer: ViewerInfo,
): AsyncGenerator<ArchiveFile> {
  if (format === 'html') {
    yield* htmlViewer(collections, viewer);
    return;
  }
  for (const collection of collections) {
    yield format === 'json'
      ? jsonFile(collection.name, () => withMediaFiles(collection))
      : { name: `${collection.name}.csv`, content: () => csvTable(collection) };
  }
}

/** An item, and the archive paths of its downloaded media files. */
export interface ItemWithFiles {
  item: SpooledItem;
  files: string[];
}

/** A collection's JSON file, which needs nothing of it before its first item (not even its count). */
export function jsonFile(collection: string, entries: () => AsyncIterable<ItemWithFiles>): ArchiveFile {
  return { name: `${collection}.json`, content: () => jsonArray(entries()) };
}

/** The items with their files: media records follow item order, so one walk pairs them. */
export async function* withMediaFiles(collection: Pick<CollectionSource, 'items' | 'media'>): AsyncGenerator<ItemWithFiles> {
  const media = mediaWalker(collection.media);
  for await (const item of collection.items()) yield { item, files: await media.namesFor(item.id) };
}

/** A UTF-8 JSON array, written item by item; `mediaFiles` names each item's files in the archive. */
async function* jsonArray(entries: AsyncIterable<ItemWithFiles>): AsyncGenerator<string | Buffer> {
  let first = true;
  yield '[';
  for await (const { item, files } of entries) {
    yield first ? '\n' : ',\n';
    first = false;
    if (item.json && files.length === 0) {
      yield item.json;
    } else if (item.json) {
      // The kept record has no `mediaFiles` of its own (see itemLine): the field goes before its closing brace.
      yield item.json.subarray(0, item.json.length - 1);
      yield `,"mediaFiles":${JSON.stringify(files)}}`;
    } else {
      yield JSON.stringify(files.length > 0 ? { ...recordOf(item), mediaFiles: files } : recordOf(item));
    }
  }
  yield first ? ']\n' : '\n]\n';
}

/**
 * RFC 4180 with a UTF-8 byte-order mark (so spreadsheets read emoji and accents right) and a header
 * row. The header must come first: unless the columns were counted during collection, the spool is
 * read twice, once for the columns, once for rows.
 */
async function* csvTable(collection: CollectionSource): AsyncGenerator<string> {
  const { names: columns, overflow } = collection.columns ?? (await columnsOf(collection));
  const media = mediaWalker(collection.media);
  const withMedia = await media.hasAny();
  // As in the JSON file, the archive's mediaFiles replaces a field of the record's own by that name.
  const order = [...columns].filter((column) => !(withMedia && column === 'mediaFiles'));
  const header = [...order, ...(overflow ? ['_more'] : []), ...(withMedia ? ['mediaFiles'] : [])];
  yield `\uFEFF${csvRow(header)}`;
  for await (const item of collection.items()) {
    const cells = flatten(displayRecord(item));
    const row = order.map((column) => cells.get(column));
    if (overflow) {
      const rest: JsonObject = {};
      for (const [key, value] of cells) if (!columns.has(key)) rest[key] = value;
      row.push(Object.keys(rest).length > 0 ? rest : undefined);
    }
    if (withMedia) row.push((await media.namesFor(item.id)).join(' ') || undefined);
    yield csvRow(row);
  }
}

async function columnsOf(collection: CollectionSource): Promise<CsvColumns> {
  const columns = new CsvColumns();
  for await (const item of collection.items()) columns.add(displayRecord(item));
  return columns;
}
