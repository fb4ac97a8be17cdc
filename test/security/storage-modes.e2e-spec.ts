import { lstatSync, readdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join, relative } from 'node:path';
import { FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, startTestApp, tempDir } from '../support/test-app';
import { ExportUser, finished, startExport, waitFor } from '../support/export-client';
import { sleep } from '../support/pacing';
import { connectedUser } from '../export/export-support';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

interface Entry {
  path: string;
  kind: 'dir' | 'file';
  mode: number;
}

/** Every folder and file under `root` with its permission bits; entries that vanish meanwhile are skipped. */
function walk(root: string): Entry[] {
  const entries: Entry[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const stats = lstatSync(path);
        entries.push({ path, kind: stats.isDirectory() ? 'dir' : 'file', mode: stats.mode & 0o777 });
        if (stats.isDirectory()) pending.push(path);
      } catch {
        // Renamed or deleted by the export between readdir and lstat.
      }
    }
  }
  return entries;
}

/** Entries whose mode is not 0700 (folders) or 0600 (files), shown as `path 0644`. */
const exposed = (root: string, entries: Entry[]): string[] =>
  entries
    .filter((entry) => entry.mode !== (entry.kind === 'dir' ? 0o700 : 0o600))
    .map((entry) => `${relative(root, entry.path)} ${entry.mode.toString(8)}`);

/**
 * Archives and work files hold a person's data: they are written 0600 in 0700 folders wherever
 * STORAGE_DIR is, here outside DATA_DIR, under folders that do not exist yet, with the common 022 umask.
 */
describe('Export files on disk', () => {
  const fixture = new FixtureAdapter();
  const base = tempDir('se-storage-');
  const storageDir = join(base, 'srv', 'star-export', 'exports');
  let media: Server;
  let t: TestApp;
  let user: ExportUser;
  let umask: number;

  beforeAll(async () => {
    umask = process.umask(0o022);
    media = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG));
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    const mediaHost = `127.0.0.1:${(media.address() as { port: number }).port}`;
    t = await startTestApp({ TRUST_PROXY: '1', STORAGE_DIR: storageDir, MEDIA_ALLOWED_HOSTS: mediaHost }, [fixture]);
    user = await connectedUser(t);
    fixture.reset({ totals: { posts: 200, photos: 0 }, pageDelayMs: 150, mediaUrl: `http://${mediaHost}/img.png` });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => media?.close(resolve));
    process.umask(umask);
  });

  it('keeps spools, media, the archive and every folder made on the way private to the service', async () => {
    const id = await startExport(t, user, { format: 'json', options: { includeMedia: true } });

    // While it runs: spool files and downloaded media in the work folder.
    const work = join(storageDir, 'work', id);
    let during: Entry[] = [];
    for (let i = 0; i < 100; i += 1) {
      during = walk(storageDir);
      const names = during.map((entry) => relative(work, entry.path));
      if (names.some((name) => name.endsWith('.ndjson')) && names.some((name) => name.startsWith('media/posts/'))) break;
      await sleep(100);
    }
    expect(during.map((entry) => relative(work, entry.path))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.ndjson$/), expect.stringMatching(/^media\/posts\/.+/)]),
    );
    expect(exposed(storageDir, during)).toEqual([]);

    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'completed' });
    const after = walk(storageDir);
    expect(after.map((entry) => relative(storageDir, entry.path))).toContainEqual(expect.stringMatching(new RegExp(`^archives/${id}\\..+\\.zip$`)));
    expect(exposed(storageDir, after)).toEqual([]);
    // STORAGE_DIR and the folders created to reach it.
    for (const dir of [join(base, 'srv'), join(base, 'srv', 'star-export'), storageDir]) {
      expect((lstatSync(dir).mode & 0o777).toString(8)).toBe('700');
    }
  });
});
