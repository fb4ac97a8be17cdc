import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { archiveIds, withArchive } from '../support/archive';
import { completed, finished, waitFor } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceProcess } from '../support/service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';
import { importingUser, uploadArchive } from './import-support';
import { tweetId, xArchiveEntries } from './x-archive-fixture';
import { buildZip } from './zip-builder';

const root = join(__dirname, '../..');

const PARTS = Array.from({ length: 8 }, () => 2_500);
const TOTAL = PARTS.reduce((sum, count) => sum + count, 0);

/** Where an entry's compressed bytes sit in a ZIP written by buildZip (local headers in order). */
function entryData(zip: Buffer, name: string): { start: number; length: number } {
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const compressed = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const start = offset + 30 + nameLength;
    if (zip.subarray(offset + 30, start).toString('utf8') === name) return { start, length: compressed };
    offset = start + compressed;
  }
  throw new Error(`${name} is not in the ZIP`);
}

/**
 * An X archive import whose worker is killed mid-way through the posts: a new worker resumes from the
 * checkpoint and never reads a finished data file again. The first file of posts is damaged in the
 * stored upload once it is done: a worker reading it again would fail on its checksum, so the
 * import completing proves it was not read, and the export still holds every post exactly once.
 * Embedded mode restarts the whole service on the same DATA_DIR; server mode only the worker.
 */
describe('archive import after a worker crash', () => {
  const processes: ServiceProcess[] = [];
  let release: () => void;
  let dataDir: string;
  let scratch: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    release = await serialiseServerMode();
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
    dataDir = tempDir('se-import-crash-');
    scratch = serverMode() ? await createScratchDatabase() : undefined;
    if (scratch && process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
  }, 300_000);

  afterAll(async () => {
    for (const service of processes) await service.kill();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    release?.();
  });

  const start = async (role: string, port?: number): Promise<ServiceProcess> => {
    const env: NodeJS.ProcessEnv = { TRUST_PROXY: '1', DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL } : {}) };
    const service = await ServiceProcess.start({ ...env, APP_ROLE: role }, port);
    processes.push(service);
    return service;
  };

  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;

  /**
   * Uploads the archive, kills its worker once the first file is finished and checkpointed, damages
   * `damaged` in the stored upload, and starts a new worker. Embedded mode restarts the whole service.
   */
  const crashAndResume = async (zip: Buffer, damaged: string): Promise<{ api: ServiceProcess; worker: ServiceProcess; user: ExportCaller; id: string }> => {
    api ??= await start(scratch ? 'api' : 'all');
    worker ??= scratch ? await start('worker') : api;
    const user: ExportCaller = await importingUser(api);
    const res = await uploadArchive(api, user, zip, { options: JSON.stringify({ collections: ['tweets'] }) });
    expect(res.status).toBe(201);
    const id = (res.body as { data: { jobId: string } }).data.jobId;

    // Past the first two files: the first is finished and checkpointed whatever the page size.
    const state = await waitFor(api, user, id, (current) => finished(current) || current.processedItems >= 2 * PARTS[0], { timeoutMs: 120_000 });
    await worker.kill('SIGKILL');
    expect(state.status).toBe('processing');
    expect(state.processedItems).toBeLessThan(TOTAL);

    const { start: at, length } = entryData(zip, damaged);
    const source = openSync(join(dataDir, 'exports', 'work', id, 'source.zip'), 'r+');
    const byte = Buffer.alloc(1);
    readSync(source, byte, 0, 1, at + Math.floor(length / 2));
    writeSync(source, Buffer.from([byte[0] ^ 0xff]), 0, 1, at + Math.floor(length / 2));
    closeSync(source);

    worker = await start(scratch ? 'worker' : 'all', scratch ? undefined : api.port);
    if (!scratch) api = worker;
    return { api, worker, user, id };
  };

  it('resumes without reading a finished file again, with every post exactly once', async () => {
    const zip = buildZip(xArchiveEntries({ generation: 'modern', parts: PARTS }));
    const { api, worker, user, id } = await crashAndResume(zip, 'data/tweets.js');
    const done = await completed(api, user, id, 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: TOTAL });
    await withArchive(api, user, id, (archive) => {
      const ids = archiveIds(archive, 'json', 'tweets');
      expect(duplicates(ids)).toEqual([]);
      expect(sorted(ids)).toEqual(sorted(Array.from({ length: TOTAL }, (_, i) => tweetId(i + 1))));
    });
  }, 600_000);

  it('fails a resumed import with INVALID_ARCHIVE when a file not yet read is damaged', async () => {
    const zip = buildZip(xArchiveEntries({ generation: 'modern', parts: PARTS }));
    const { api, worker, user, id } = await crashAndResume(zip, 'data/tweets-part7.js');
    const state = await waitFor(api, user, id, finished, { timeoutMs: 180_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARCHIVE' } });
    expect(state.error?.message).toContain('data/tweets-part7.js');
  }, 600_000);
});
