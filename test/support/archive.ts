import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

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
  const res = await request(service.url)
    .get(`/api/export/${id}/download`)
    .set(user.auth)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    });
  if (res.status !== 200) throw new Error(`download failed: ${res.status}`);
  const dir = mkdtempSync(join(tmpdir(), 'se-yt-export-'));
  const zip = join(dir, 'export.zip');
  writeFileSync(zip, res.body as Buffer);
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

