import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** One field may not exceed this: a comment or a video description is a few KiB at most. */
const MAX_FIELD_CHARS = 4 * 1024 * 1024;

/**
 * The rows of an RFC 4180 CSV stream, one at a time (quoted fields may hold commas, quotes and line
 * breaks), so a Takeout CSV of any size is never held whole. A leading byte-order mark is dropped.
 */
export async function* csvRows(stream: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let first = true;
  let pending = false;
  for await (const chunk of stream) {
    let text = decoder.write(chunk as Buffer);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          quoted = false;
          afterQuote = true;
        } else field += c;
        continue;
      }
      if (c === '"') {
        // `""` inside a quoted field is one quote: the closing quote is followed by an opening one.
        if (afterQuote) field += '"';
        quoted = true;
        afterQuote = false;
        pending = true;
        continue;
      }
      afterQuote = false;
      if (c === ',') {
        row.push(field);
        field = '';
        pending = true;
      } else if (c === '\n') {
        row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        yield row;
        row = [];
        field = '';
        pending = false;
      } else {
        field += c;
        pending = true;
      }
    }
    if (field.length > MAX_FIELD_CHARS) throw new Error(`a field is longer than ${MAX_FIELD_CHARS} characters`);
  }
  if (quoted) throw new Error('the file ends inside a quoted field');
  if (pending) {
    row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield row;
  }
}

/** Rows as objects keyed by the header row's (trimmed) column names. */
export async function* csvRecords(stream: Readable): AsyncGenerator<Record<string, string>> {
  let header: string[] | undefined;
  for await (const row of csvRows(stream)) {
    if (!header) {
      header = row.map((name) => name.trim());
      continue;
    }
    if (row.length === 1 && row[0] === '') continue;
    yield Object.fromEntries(header.map((name, i) => [name, row[i] ?? '']));
  }
}
