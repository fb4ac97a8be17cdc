import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { historyHtmlDate } from './history-html-date';

/** One entry of the history is a few hundred bytes; past this the file is not Takeout's history. */
const MAX_CELL_CHARS = 1024 * 1024;
const CELL_START = '<div class="outer-cell';

/**
 * One entry of `watch-history.html` or `search-history.html`, in the shape of the JSON history's
 * elements (`title`, `titleUrl`, `subtitles`, `time`, `products`) so both become the same records.
 * `time` is ISO 8601 UTC; when the date as written could not be read it is absent and `timeAsWritten`
 * keeps the text.
 */
export interface HistoryHtmlEntry {
  header: string | null;
  title: string;
  titleUrl?: string;
  subtitles: { name: string; url: string }[];
  time?: string;
  timeAsWritten?: string | null;
  products: string[];
}

/**
 * The entries of Takeout's HTML history, one `outer-cell` block at a time: the file of a long history
 * runs to hundreds of megabytes, so only the block being read is held. A block is
 * `<div class="outer-cell …"><div class="mdl-grid"><div class="header-cell …"><p class="mdl-typography--title">YouTube<br></p></div>
 * <div class="content-cell …">Watched&nbsp;<a href="…watch?v=ID">Title</a><br><a href="…/channel/UC…">Channel</a><br>Dec 6, 2026, 7:13:51 PM UTC<br></div>
 * <div class="content-cell … mdl-typography--caption"><b>Products:</b><br>&emsp;YouTube<br>…</div></div></div>`.
 */
export async function* historyHtmlEntries(stream: Readable): AsyncGenerator<HistoryHtmlEntry> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  // The buffer is cut once per chunk, not once per entry: a chunk holds a hundred of them.
  const cells = function* (final: boolean): Generator<string> {
    let start = pending.indexOf(CELL_START);
    if (start < 0) {
      // Keep a tail that may hold the start of a marker split across chunks.
      pending = final ? '' : pending.slice(-CELL_START.length);
      return;
    }
    for (;;) {
      const next = pending.indexOf(CELL_START, start + CELL_START.length);
      if (next < 0) break;
      yield pending.slice(start, next);
      start = next;
    }
    pending = pending.slice(start);
    if (final) {
      yield pending;
      pending = '';
    } else if (pending.length > MAX_CELL_CHARS) {
      throw new Error(`an entry is longer than ${MAX_CELL_CHARS} characters`);
    }
  };
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    for (const cell of cells(false)) {
      const entry = historyCell(cell);
      if (entry) yield entry;
    }
  }
  pending += decoder.end();
  for (const cell of cells(true)) {
    const entry = historyCell(cell);
    if (entry) yield entry;
  }
}

const CONTENT = /<div class="content-cell[^"]*"[^>]*>([\s\S]*?)<\/div>/;
const HEADER = /<p class="mdl-typography--title">([\s\S]*?)<\/p>/;
const PRODUCTS = /<b>(?:Products|Produkte):<\/b>([\s\S]*?)(?:<b>|<\/div>)/;
const ANCHOR = /<a\s[^>]*?href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g;
const BREAK = /<br\s*\/?>/i;

function historyCell(cell: string): HistoryHtmlEntry | undefined {
  const content = CONTENT.exec(cell)?.[1];
  if (content === undefined) return undefined;
  const segments = content.split(BREAK).map((html) => ({ text: text(html), anchors: [...html.matchAll(ANCHOR)].map((m) => ({ url: entities(m[1]), name: text(m[2]) })) }));
  const [first, ...others] = segments;
  const rest = others.filter((segment) => segment.text !== '');
  // The date is the last line that is not a link; an entry without one has no date to read.
  const last = rest.at(-1);
  const dateLine = last && last.anchors.length === 0 ? last : undefined;
  const subtitles = rest.filter((segment) => segment !== dateLine && segment.anchors.length > 0).map((segment) => segment.anchors[0]);
  const time = dateLine ? historyHtmlDate(dateLine.text) : null;
  const header = HEADER.exec(cell)?.[1];
  const products = PRODUCTS.exec(cell)?.[1];
  return {
    header: header === undefined ? null : text(header),
    title: first.text,
    ...(first.anchors[0] ? { titleUrl: first.anchors[0].url } : {}),
    subtitles,
    ...(time ? { time } : { timeAsWritten: dateLine?.text ?? null }),
    products: products === undefined ? [] : products.split(BREAK).map(text).filter((product) => product !== ''),
  };
}

/** A fragment's text: tags dropped, entities decoded, runs of white space (no-break ones too) made one space. */
function text(html: string): string {
  return entities(html.replace(/<[^>]*>/g, ''))
    .replace(/[\s\u00a0\u2003]+/g, ' ')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', emsp: '\u2003', ensp: '\u2002', thinsp: '\u2009' };

function entities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
