import { createHash } from 'node:crypto';
import type { MediaReference } from '../adapter/collection';
import { archiveMediaUrl } from './archive-importer';
import { InvalidArchiveError } from './invalid-archive';
import { jsonArrayElements } from './json-array-stream';
import type { ZipArchive } from './zip-archive';

/**
 * What Facebook's and Instagram's "Download Your Information" archives share: Meta's text encoding bug,
 * unix timestamps, root-relative media `uri`s, Messenger-shaped threads split newest first over
 * `message_N.json`, and data files that are one JSON array (or an object around one).
 */

/** Small files read whole (profile, albums, one Messenger file: Meta splits a thread every 10,000 messages). */
export const META_FILE_BYTES = 64 * 1024 * 1024;
const MEDIA_FILE = /\.(jpe?g|png|gif|webp|heic|mp4|mov|webm|m4a|mp3|aac|wav|pdf)$/i;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Meta writes UTF-8 text as if each byte were a Latin-1 character (`CafÃ©`, `\u00f0\u009f\u0098\u00a0`
 * for 😠). A string made only of code points ≤ 0xFF, some above 0x7F, whose bytes are valid UTF-8, is
 * decoded back; anything else (real Latin-1 text, already repaired text) is left as it is.
 */
export function repairText(value: string): string {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value;
    if (code > 0x7f) high = true;
  }
  if (!high) return value;
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** Every string of a parsed JSON value repaired, keys included (some exports use names as keys). */
export function repairStrings(value: unknown): unknown {
  if (typeof value === 'string') return repairText(value);
  if (Array.isArray(value)) return value.map(repairStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, entry]) => [repairText(key), repairStrings(entry)]));
  }
  return value;
}

/** Unix seconds (`timestamp`, `creation_timestamp`) as ISO 8601 UTC; null when absent or zero. */
export function fromSeconds(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000).toISOString() : null;
}

/** Messenger's `timestamp_ms` as ISO 8601 UTC. */
export function fromMillis(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : null;
}

/** A stable id for an item Meta gives none (posts, comments): its time and a digest of its content. */
export function contentId(timestamp: unknown, value: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
  return `${typeof timestamp === 'number' ? timestamp : 0}-${digest}`;
}

/**
 * The archive's media files by name, to resolve a `uri`: root-relative in the archive Meta wrote, so an
 * archive re-zipped in a folder (or whose uri names an older top folder) is resolved by its path tail.
 * `http(s)` uris (some exports link fbcdn instead of shipping the file) are fetched like API media.
 */
export class MetaMediaIndex {
  private readonly byBase = new Map<string, string[]>();

  constructor(private readonly zip: ZipArchive, private readonly root: string) {
    for (const name of zip.names()) {
      if (!MEDIA_FILE.test(name)) continue;
      const base = name.slice(name.lastIndexOf('/') + 1);
      this.byBase.set(base, [...(this.byBase.get(base) ?? []), name]);
    }
  }

  /** Every media file is a linked item's, as Meta ships no file it does not reference. */
  isMedia(name: string): boolean {
    return MEDIA_FILE.test(name);
  }

  reference(uri: string | undefined): MediaReference | undefined {
    if (!uri) return undefined;
    const kind = /\.(mp4|mov|webm)$/i.test(uri) ? 'video' : /\.(m4a|mp3|aac|wav)$/i.test(uri) ? 'audio' : 'image';
    if (/^https?:\/\//i.test(uri)) return { url: uri, kind };
    const path = uri.replace(/^\.?\//, '');
    if (this.zip.has(`${this.root}${path}`)) return { url: archiveMediaUrl(`${this.root}${path}`), via: 'archive', kind };
    const candidates = this.byBase.get(path.slice(path.lastIndexOf('/') + 1)) ?? [];
    const tail = (name: string): number => {
      const a = name.split('/').reverse();
      const b = path.split('/').reverse();
      let n = 0;
      while (n < a.length && n < b.length && a[n] === b[n]) n++;
      return n;
    };
    const best = [...candidates].sort((x, y) => tail(y) - tail(x))[0];
    return best ? { url: archiveMediaUrl(best), via: 'archive', kind } : undefined;
  }
}

/** The entries matching a pattern, in natural order (`_2` before `_10`). */
export function matching(names: readonly string[], pattern: RegExp): string[] {
  return names.filter((name) => pattern.test(name)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Elements of a data file's first array, streamed and repaired; a file that does not parse is a broken archive. */
export async function* streamedElements(zip: ZipArchive, file: string, platform: string): AsyncGenerator<unknown> {
  try {
    for await (const value of jsonArrayElements(await zip.stream(file))) yield repairStrings(value);
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof Error && /ends inside its array|element is longer/.test(error.message))) {
      throw new InvalidArchiveError('corrupt', `${file} of the ${platform} archive is not readable (${error.message})`);
    }
    throw error;
  }
}

/** A small file parsed whole and repaired. */
export async function wholeFile(zip: ZipArchive, file: string, platform: string): Promise<unknown> {
  const text = await zip.text(file, META_FILE_BYTES);
  try {
    return repairStrings(JSON.parse(text));
  } catch (error) {
    throw new InvalidArchiveError('corrupt', `${file} of the ${platform} archive is not readable (${(error as Error).message})`);
  }
}

/** One Messenger message with its thread, as a message file holds it. */
export interface ThreadMessage {
  thread: string;
  title: string | null;
  participants: string[];
  message: Record<string, unknown>;
  /** Messages of this thread before it with the same millisecond, so two of them get different ids. */
  sameMillisecond: number;
}

/**
 * Which files of a Meta archive each collection reads (`messages`: every thread's files, grouped), by
 * the collection's file pattern; an archive with none of them is refused.
 */
export function metaFilesOf<C extends string>(names: readonly string[], patterns: Readonly<Record<C, RegExp>>, platform: string): Map<C, string[]> {
  const files = new Map<C, string[]>();
  for (const collection of Object.keys(patterns) as C[]) {
    const found = collection === 'messages' ? threadFiles(names, patterns[collection]) : matching(names, patterns[collection]);
    if (found.length > 0) files.set(collection, found);
  }
  if (files.size === 0) throw new InvalidArchiveError('corrupt', `The ${platform} archive holds none of the files Star Export reads (was it downloaded in JSON, not HTML?)`);
  return files;
}

/**
 * The message files of every thread, ordered so a thread reads oldest first: Meta numbers them newest
 * first (`message_1.json` holds the latest), so each thread's files go from the highest number down.
 */
export function threadFiles(names: readonly string[], pattern: RegExp): string[] {
  const files = names.filter((name) => pattern.test(name));
  const number = (name: string): number => Number(/message_(\d+)\.json$/.exec(name)?.[1] ?? 0);
  const folder = (name: string): string => name.slice(0, name.lastIndexOf('/'));
  return files.sort((a, b) => (folder(a) === folder(b) ? number(b) - number(a) : folder(a).localeCompare(folder(b))));
}

/** One message file's messages, oldest first (Meta writes them newest first, inside each file too). */
export async function* threadMessages(zip: ZipArchive, file: string, platform: string): AsyncGenerator<ThreadMessage> {
  const parsed = (await wholeFile(zip, file, platform)) as Record<string, unknown> | null;
  const folder = file.slice(0, file.lastIndexOf('/'));
  const thread = folder.slice(folder.lastIndexOf('/') + 1);
  const participants = (Array.isArray(parsed?.participants) ? parsed.participants : []).flatMap((entry: unknown) => {
    const name = (entry as Record<string, unknown> | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
  const title = typeof parsed?.title === 'string' ? parsed.title : null;
  const messages = (Array.isArray(parsed?.messages) ? (parsed.messages as unknown[]) : []).filter((m): m is Record<string, unknown> => !!m && typeof m === 'object');
  messages.sort((a, b) => Number(a.timestamp_ms ?? 0) - Number(b.timestamp_ms ?? 0));
  let previous: unknown;
  let same = 0;
  for (const message of messages) {
    same = message.timestamp_ms === previous ? same + 1 : 0;
    previous = message.timestamp_ms;
    yield { thread, title, participants, message, sameMillisecond: same };
  }
}

