import type { ExportFormat } from '@app/contracts';
import type { JsonObject } from '@app/platform-adapters';
import type { MediaRecord } from '../pipeline/media-fetcher';
import type { SpooledItem } from '../pipeline/spooled-item';
import { csvRow } from './csv';
import { flatten } from './flatten';
import { escapeHtml, htmlPage } from './html';

/** One file of the archive, produced as a stream of text chunks. */
export interface ArchiveFile {
  name: string;
  content: () => AsyncIterable<string>;
}

/** What the writers need of a collection: its name, count and a way to stream its items (again). */
export interface CollectionSource {
  name: string;
  count: number;
  items: () => AsyncIterable<SpooledItem>;
  /** The collection's downloaded media, in the same order as its items. */
  media?: () => AsyncIterable<MediaRecord>;
}

const HTML_PAGE_SIZE = 500;
/** Past this many distinct columns the rest of an item goes into one `_more` JSON cell. */
const MAX_CSV_COLUMNS = 400;

/** The files of one format, yielded one at a time: each is written out before the next is made. */
export async function* collectionFiles(
  format: ExportFormat,
  collections: CollectionSource[],
  title: string,
): AsyncGenerator<ArchiveFile> {
  if (format === 'html') {
    yield* htmlViewer(collections, title);
    return;
  }
  for (const collection of collections) {
    yield format === 'json'
      ? { name: `${collection.name}.json`, content: () => jsonArray(collection) }
      : { name: `${collection.name}.csv`, content: () => csvTable(collection) };
  }
}

export const recordOf = (item: SpooledItem): JsonObject => ({ id: item.id, ...item.data });

/** A UTF-8 JSON array, written item by item. */
async function* jsonArray(collection: CollectionSource): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const item of collection.items()) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(recordOf(item))}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

/**
 * RFC 4180 with a UTF-8 byte-order mark (so spreadsheets read emoji and accents right) and a header
 * row. The header must come first, so the spool is read twice: once for the columns, once for rows.
 */
async function* csvTable(collection: CollectionSource): AsyncGenerator<string> {
  const columns = new Set<string>(['id']);
  let overflow = false;
  for await (const item of collection.items()) {
    for (const key of flatten(recordOf(item)).keys()) {
      if (columns.size < MAX_CSV_COLUMNS) columns.add(key);
      else if (!columns.has(key)) overflow = true;
    }
  }
  const header = [...columns, ...(overflow ? ['_more'] : [])];
  yield `\uFEFF${csvRow(header)}`;
  for await (const item of collection.items()) {
    const cells = flatten(recordOf(item));
    const row = [...columns].map((column) => cells.get(column));
    if (overflow) {
      const rest: JsonObject = {};
      for (const [key, value] of cells) if (!columns.has(key)) rest[key] = value;
      row.push(Object.keys(rest).length > 0 ? rest : undefined);
    }
    yield csvRow(row);
  }
}

/**
 * An offline viewer: an index, and each collection in pages of HTML_PAGE_SIZE items. Each collection
 * is read once; a page is held in memory only until it is handed to the archive.
 */
async function* htmlViewer(collections: CollectionSource[], title: string): AsyncGenerator<ArchiveFile> {
  const pagesOf = (collection: CollectionSource): number => Math.max(1, Math.ceil(collection.count / HTML_PAGE_SIZE));
  const rows = collections
    .map(
      (collection) =>
        `<tr><td><a href="html/${escapeHtml(collection.name)}-1.html">${escapeHtml(collection.name)}</a></td>` +
        `<td>${collection.count}</td></tr>`,
    )
    .join('\n');
  yield textFile('index.html', htmlPage(title, `<table><tr><th>Collection</th><th>Items</th></tr>\n${rows}</table>`));

  for (const collection of collections) {
    const pages = pagesOf(collection);
    let sections: string[] = [];
    let page = 1;
    const pageFile = (): ArchiveFile => {
      const nav = Array.from({ length: pages }, (_, i) =>
        i + 1 === page ? `<strong>${i + 1}</strong>` : `<a href="${escapeHtml(collection.name)}-${i + 1}.html">${i + 1}</a>`,
      ).join(' ');
      const body = `${pages > 1 ? `<nav class="pages">${nav}</nav>` : ''}${sections.join('')}`;
      return textFile(
        `html/${collection.name}-${page}.html`,
        htmlPage(`${title}: ${collection.name} (${page}/${pages})`, body, '<a href="../index.html">All collections</a>'),
      );
    };
    const media = mediaWalker(collection);
    for await (const item of collection.items()) {
      sections.push(itemSection(item, await media.namesFor(item.id)));
      if (sections.length === HTML_PAGE_SIZE && page < pages) {
        yield pageFile();
        sections = [];
        page += 1;
      }
    }
    yield pageFile();
  }
}

/**
 * Media records come in item order, so one pass over both streams pairs them (a merge join) and
 * memory holds one record, not a map of every media file.
 */
function mediaWalker(collection: CollectionSource): { namesFor(itemId: string): Promise<string[]> } {
  const records = collection.media?.()[Symbol.asyncIterator]();
  let head: MediaRecord | undefined;
  let ended = !records;
  return {
    async namesFor(itemId) {
      const names: string[] = [];
      while (!ended) {
        if (!head) {
          const next = await (records as AsyncIterator<MediaRecord>).next();
          if (next.done) {
            ended = true;
            break;
          }
          head = next.value;
        }
        if (head.itemId !== itemId) break;
        names.push(head.name);
        head = undefined;
      }
      return names;
    },
  };
}

function itemSection(item: SpooledItem, media: string[]): string {
  const fields = [...flatten(recordOf(item))]
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</dd>`)
    .join('');
  const images = media
    .filter((path) => /\.(jpe?g|png|gif|webp)$/i.test(path))
    .map((path) => `<img src="../${escapeHtml(path)}" alt="" loading="lazy">`)
    .join('');
  return `<section class="item"><h2>${escapeHtml(item.id)}</h2>${images}<dl>${fields}</dl></section>\n`;
}

function textFile(name: string, text: string): ArchiveFile {
  return {
    name,
    content: async function* () {
      yield text;
    },
  };
}
