import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { parseCsv } from './csv';

/** A downloaded export archive, checked with `unzip -t` and unpacked into a temporary folder. */
export interface Archive {
  dir: string;
  files: string[];
  read(name: string): string;
  json<T>(name: string): T;
  cleanup(): void;
}

/** Whoever downloads: the bearer header, and the pacing that keeps them under the export rate limit. */
export interface Downloader {
  auth: { Authorization: string };
  pace(): Promise<void>;
}

/** Downloads the archive, checks it with `unzip -t` and unpacks it into a temporary folder. */
export async function downloadArchive(service: { url: string }, user: Downloader, id: string): Promise<Archive> {
  await user.pace();
  const res = await fetch(`${service.url}/api/export/${id}/download`, { headers: user.auth });
  if (res.status !== 200 || !res.body) throw new Error(`download failed: ${res.status} ${await res.text()}`);
  const dir = mkdtempSync(join(tmpdir(), 'se-yt-export-'));
  const zip = join(dir, 'export.zip');
  // Straight to disk: a big export's archive is hundreds of megabytes.
  await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), createWriteStream(zip));
  return openArchive(zip, dir);
}

/** Downloads the archive, runs `check` on it, and removes the unpacked copy whatever the outcome. */
export async function withArchive<T>(
  service: { url: string },
  user: Downloader,
  id: string,
  check: (archive: Archive) => T | Promise<T>,
): Promise<T> {
  const archive = await downloadArchive(service, user, id);
  try {
    return await check(archive);
  } finally {
    archive.cleanup();
  }
}

/** Checks a ZIP with `unzip -t` and unpacks it into `dir/out`; cleanup() removes `dir`. */
export function openArchive(zip: string, dir = mkdtempSync(join(tmpdir(), 'se-archive-'))): Archive {
  execFileSync('unzip', ['-tq', zip]);
  const out = join(dir, 'out');
  mkdirSync(out);
  execFileSync('unzip', ['-oq', zip, '-d', out]);
  return {
    dir: out,
    files: listFiles(out),
    read: (name) => readFileSync(join(out, name), 'utf8'),
    json: <T>(name: string) => JSON.parse(readFileSync(join(out, name), 'utf8')) as T,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The elements of a JSON array file too big for one string (V8 caps strings at 512 MiB), read line by
 * line: the service writes `[`, then one element per line, then `]`.
 */
export async function* jsonArrayElements<T>(path: string): AsyncGenerator<T> {
  let lineNo = 0;
  let state: 'open' | 'element' | 'comma' | 'closed' | undefined;
  const fail = (why: string): Error => new Error(`${path}:${lineNo}: ${why}`);
  for await (const line of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    lineNo += 1;
    if (state === undefined) {
      if (line !== '[' && line !== '[]') throw fail('not the start of a JSON array');
      state = line === '[' ? 'open' : 'closed';
    } else if (state === 'closed') {
      if (line !== '') throw fail('text after the closing bracket');
    } else if (line === ']') {
      if (state === 'comma') throw fail('trailing comma');
      state = 'closed';
    } else {
      if (state === 'element') throw fail('missing comma');
      const comma = line.endsWith(',');
      yield JSON.parse(comma ? line.slice(0, -1) : line) as T;
      state = comma ? 'comma' : 'element';
    }
  }
  if (state !== 'closed') throw fail('no closing bracket');
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}

/** manifest.json of an export archive, for any platform. */
export interface Manifest {
  schemaVersion: number;
  platform: string;
  account: { id: string; name: string };
  format: string;
  counts: Record<string, number>;
  warnings: string[];
  files: { name: string; bytes: number; sha256: string }[];
}

/** The ids an archive holds per collection, whatever its format. */
export function archiveIds(archive: Archive, format: string, collection: string): string[] {
  if (format === 'json') return archive.json<{ id: string }[]>(`${collection}.json`).map((item) => item.id);
  if (format === 'csv') {
    const [header, ...rows] = parseCsv(archive.read(`${collection}.csv`));
    const column = header.indexOf('id');
    if (column < 0) throw new Error(`${collection}.csv has no id column`);
    // Ids are written byte-exact, even those that start with '-' (no formula guard on a plain token).
    return rows.map((row) => row[column]);
  }
  // The HTML viewer: one <article class="card" … data-id="id"> per item, over pages html/<collection>-<n>.html.
  const pages = archive.files
    .filter((name) => new RegExp(`^html/${collection}-\\d+\\.html$`).test(name))
    .sort((a, b) => pageNumber(a) - pageNumber(b));
  const ids: string[] = [];
  for (const page of pages) {
    for (const match of archive.read(page).matchAll(/<article class="card" id="[^"]*" data-id="([^"]*)">/g)) ids.push(unescapeHtml(match[1]));
  }
  return ids;
}

const pageNumber = (name: string): number => Number(/-(\d+)\.html$/.exec(name)?.[1] ?? 0);

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
