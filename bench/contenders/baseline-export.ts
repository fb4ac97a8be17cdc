/**
 * The reference contender of figure 1: the least code that does the same job as a YouTube videos
 * export. It pages the same sandbox endpoints with the same parameters (channels.list, then
 * playlistItems.list + videos.list per 50 uploads) and streams the items into a ZIP with archiver at
 * the service's compression level. JSON goes straight into the archive entry; CSV needs its columns
 * before its first row, so items go to a temporary NDJSON file first and are read twice. No
 * database, queue, checkpoints, fsync, retries or quota ledger.
 *
 * Runs as a child process (pinned like the service) and takes jobs over IPC:
 *   → {type:'run', apiUrl, token, format, outPath}   ← {type:'done', items, bytes, firstPageMs, elapsedMs}
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';

export interface BaselineJob {
  type: 'run';
  apiUrl: string;
  token: string;
  format: 'json' | 'csv';
  outPath: string;
}

export type BaselineReply =
  | { type: 'ready' }
  | { type: 'done'; items: number; bytes: number; firstPageMs: number; elapsedMs: number }
  | { type: 'error'; message: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

interface ListPage {
  items?: JsonRecord[];
  nextPageToken?: string;
}

const CHANNEL_PARTS = 'snippet,contentDetails,statistics,brandingSettings';
const VIDEO_PARTS = 'snippet,contentDetails,statistics,status';

async function getJson(apiUrl: string, token: string, path: string, query: Record<string, string | undefined>): Promise<ListPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  const response = await fetch(`${apiUrl}/${path}?${params.toString()}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as ListPage;
}

const field = (record: Json | undefined, ...path: string[]): Json | undefined => {
  let value = record;
  for (const key of path) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
  return value;
};

/** Every upload, page by page (50 at a time), as the videos.list resources. */
async function* uploads(apiUrl: string, token: string, onFirstPage: () => void): AsyncGenerator<JsonRecord[]> {
  const channels = await getJson(apiUrl, token, 'channels', { mine: 'true', part: CHANNEL_PARTS });
  const uploadsId = field(channels.items?.[0], 'contentDetails', 'relatedPlaylists', 'uploads');
  if (typeof uploadsId !== 'string') throw new Error('the channel names no uploads playlist');
  let pageToken: string | undefined;
  let first = true;
  do {
    const page = await getJson(apiUrl, token, 'playlistItems', { playlistId: uploadsId, part: 'contentDetails', maxResults: '50', pageToken });
    const ids = (page.items ?? []).map((entry) => field(entry, 'contentDetails', 'videoId')).filter((id): id is string => typeof id === 'string');
    const videos = ids.length > 0 ? ((await getJson(apiUrl, token, 'videos', { id: ids.join(','), part: VIDEO_PARTS })).items ?? []) : [];
    if (first) onFirstPage();
    first = false;
    yield videos;
    pageToken = page.nextPageToken;
  } while (pageToken);
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}

function flatten(value: Json, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  }
}

function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function run(job: BaselineJob): Promise<Extract<BaselineReply, { type: 'done' }>> {
  const started = performance.now();
  let firstPageMs = Number.NaN;
  const onFirstPage = (): void => {
    firstPageMs = performance.now() - started;
  };
  const zip = new ZipArchive({ zlib: { level: 1 } });
  const output = createWriteStream(job.outPath);
  zip.pipe(output);
  const entry = new PassThrough();
  let items = 0;

  if (job.format === 'json') {
    zip.append(entry, { name: 'videos.json' });
    let first = true;
    await write(entry, '[');
    for await (const videos of uploads(job.apiUrl, job.token, onFirstPage)) {
      for (const video of videos) {
        await write(entry, `${first ? '\n' : ',\n'}${JSON.stringify(video)}`);
        first = false;
        items += 1;
      }
    }
    entry.end(first ? ']\n' : '\n]\n');
  } else {
    const spoolPath = `${job.outPath}.ndjson`;
    const spool = createWriteStream(spoolPath);
    for await (const videos of uploads(job.apiUrl, job.token, onFirstPage)) {
      for (const video of videos) {
        await write(spool, `${JSON.stringify(video)}\n`);
        items += 1;
      }
    }
    spool.end();
    await finished(spool);
    const lines = (): AsyncIterable<string> => createInterface({ input: createReadStream(spoolPath, 'utf8'), crlfDelay: Infinity });
    const columns = new Set<string>();
    for await (const line of lines()) {
      const cells = new Map<string, string>();
      flatten(JSON.parse(line) as Json, '', cells);
      for (const key of cells.keys()) columns.add(key);
    }
    zip.append(entry, { name: 'videos.csv' });
    await write(entry, `\uFEFF${[...columns].map(csvCell).join(',')}\r\n`);
    for await (const line of lines()) {
      const cells = new Map<string, string>();
      flatten(JSON.parse(line) as Json, '', cells);
      await write(entry, `${[...columns].map((column) => csvCell(cells.get(column))).join(',')}\r\n`);
    }
    entry.end();
    await rm(spoolPath, { force: true });
  }
  await zip.finalize();
  await finished(output);
  return { type: 'done', items, bytes: zip.pointer(), firstPageMs, elapsedMs: performance.now() - started };
}

const send = (reply: BaselineReply): void => {
  process.send?.(reply);
};

process.on('message', (message: BaselineJob) => {
  run(message).then(send, (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
