import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** One element of an archive's data file may not exceed this; a tweet with all its entities is a few KiB. */
const MAX_ELEMENT_CHARS = 16 * 1024 * 1024;

/**
 * The elements of the first JSON array in a stream, parsed one at a time: X's data files are
 * `window.YTD.tweets.part0 = [ … ]` and can run to hundreds of megabytes, so they are never held whole.
 * Whatever precedes the array (the `window.YTD… =` assignment) is skipped.
 */
export async function* jsonArrayElements(stream: Readable): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let depth = 0;
  let started = false;
  let inString = false;
  let escaped = false;
  let element = '';
  let ended = false;
  for await (const chunk of stream) {
    if (ended) continue; // drain, so the entry's checksum is still verified
    const text = decoder.write(chunk as Buffer);
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (!started) {
        if (c === '[') {
          started = true;
          depth = 1;
          from = i + 1;
        }
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          element += text.slice(from, i);
          if (element.trim()) yield JSON.parse(element);
          element = '';
          ended = true;
          break;
        }
      } else if (c === ',' && depth === 1) {
        element += text.slice(from, i);
        yield JSON.parse(element);
        element = '';
        from = i + 1;
      }
    }
    if (started && !ended) {
      element += text.slice(from);
      if (element.length > MAX_ELEMENT_CHARS) throw new Error(`an element is longer than ${MAX_ELEMENT_CHARS} characters`);
    }
  }
  if (started && !ended) throw new Error('the data file ends inside its array');
}

/** The value assigned in a small `window.__THAR_CONFIG = {…}` / `window.YTD.x.part0 = […]` file. */
export function assignedJson(text: string): unknown {
  const at = text.indexOf('=');
  return JSON.parse(at >= 0 ? text.slice(at + 1).trim().replace(/;\s*$/, '') : text);
}
