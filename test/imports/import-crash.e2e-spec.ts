import { closeSync, openSync, readSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { archiveIds, withArchive } from '../support/archive';
import { completed, exportState, finished, waitFor } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { sleep } from '../support/pacing';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceFleet, takenBackOnStart } from '../support/service-fleet';
import type { ServiceProcess } from '../support/service-process';
import { importingUser, uploadArchive } from './import-support';
import type { Row } from './import-support';
import { bulkMessageText, bulkPostText, facebookBulkEntries, facebookMessageFile, facebookPostsFile } from './meta-archive-fixture';
import { tweetId, xArchiveEntries } from './x-archive-fixture';
import { buildZip } from './zip-builder';

const sum = (counts: number[]): number => counts.reduce((total, count) => total + count, 0);
const numbers = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);

const PARTS = Array.from({ length: 8 }, () => 2_500);
const TOTAL = sum(PARTS);

/** Facebook: posts first, then one Messenger thread over six message files (read oldest first). */
const POST_FILES = Array.from({ length: 4 }, () => 2_000);
const MESSAGE_FILES = Array.from({ length: 6 }, () => 2_000);
const POSTS = sum(POST_FILES);
const MESSAGES = sum(MESSAGE_FILES);

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
 * Counts the lines of the export's spool of `collection` (its first attempt's, the one killed), reading
 * only the bytes added since the last call.
 */
function spoolLineCounter(workDir: string, collection: string): () => number {
  const chunk = Buffer.alloc(1 << 20);
  let offset = 0;
  let lines = 0;
  return () => {
    const name = readdirSync(workDir).find((file) => file.startsWith(`${collection}.items.a`));
    if (name) {
      const spool = openSync(join(workDir, name), 'r');
      for (let read = readSync(spool, chunk, 0, chunk.length, offset); read > 0; read = readSync(spool, chunk, 0, chunk.length, offset)) {
        offset += read;
        for (let i = 0; i < read; i++) if (chunk[i] === 0x0a) lines++;
      }
      closeSync(spool);
    }
    return lines;
  };
}

/**
 * Waits until the spool counted by `lines` holds `items` items, reading it every few milliseconds: an
 * import of a few MB runs through in well under a second, too fast to catch between two polls of the API.
 */
async function spooled(lines: () => number, items: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (let seen = lines(); seen < items; seen = lines()) {
    if (Date.now() > deadline) throw new Error(`the spool never held ${items} items (${seen} seen)`);
    await sleep(2);
  }
}

/** What an import is asked for, and where to kill its worker. */
interface CrashPlan {
  collections: string[];
  total: number;
  /**
   * Items of one collection in its spool at which the files in `damaged` are finished and checkpointed,
   * whatever the page size (a page is appended to the spool only after the page before it is checkpointed).
   */
  killAt: { collection: string; items: number; of: number };
  /** Entries damaged in the stored upload after the kill. */
  damaged: string[];
}

/**
 * Archive imports whose worker is killed mid-way: a new worker resumes from the checkpoint and never
 * reads a finished data file again. The finished files are damaged in the stored upload after the
 * kill: a worker reading one again would fail on its checksum, so the import completing proves it was
 * not read, and the export still holds every item exactly once.
 * Embedded mode restarts the whole service on the same DATA_DIR; server mode only the worker.
 */
describe('archive import after a worker crash', () => {
  let release: () => void;
  let fleet: ServiceFleet;

  beforeAll(async () => {
    release = await serialiseServerMode();
    fleet = await ServiceFleet.start({ dataDirPrefix: 'se-import-crash-' });
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    release?.();
  });

  /**
   * Uploads the archive, kills its worker at `plan.killAt`, damages `plan.damaged` in the stored
   * upload, and starts a new worker. Embedded mode restarts the whole service.
   */
  const crashAndResume = async (zip: Buffer, plan: CrashPlan): Promise<{ api: ServiceProcess; worker: ServiceProcess; user: ExportCaller; id: string }> => {
    const user: ExportCaller = await importingUser(fleet.api);
    const res = await uploadArchive(fleet.api, user, zip, { options: JSON.stringify({ collections: plan.collections }) });
    expect(res.status).toBe(201);
    const id = (res.body as { data: { jobId: string } }).data.jobId;

    const workDir = join(fleet.dataDir, 'exports', 'work', id);
    const spooledLines = spoolLineCounter(workDir, plan.killAt.collection);
    await spooled(spooledLines, plan.killAt.items);
    await fleet.worker.kill('SIGKILL');
    // The kill caught the import mid-way: files of the collection were still to be read.
    expect(spooledLines()).toBeLessThan(plan.killAt.of);

    const source = openSync(join(workDir, 'source.zip'), 'r+');
    for (const name of plan.damaged) {
      const { start: at, length } = entryData(zip, name);
      const byte = Buffer.alloc(1);
      readSync(source, byte, 0, 1, at + Math.floor(length / 2));
      writeSync(source, Buffer.from([byte[0] ^ 0xff]), 0, 1, at + Math.floor(length / 2));
    }
    closeSync(source);

    const worker = await fleet.replaceWorker();
    if (fleet.split) {
      // The new worker takes the job over only when the dead worker's 15 s lock has run out, so this
      // is still the checkpoint.
      const state = await exportState(fleet.api, user, id);
      expect(state.status).toBe('processing');
      expect(state.processedItems).toBeLessThan(plan.total);
    } else {
      // A restarted embedded service takes the import back as it starts.
      expect(worker.log).toContain(takenBackOnStart(id));
    }
    return { api: fleet.api, worker, user, id };
  };

  // Past the first two files of posts: the first is finished and checkpointed whatever the page size.
  const xPlan = (damaged: string): CrashPlan => ({ collections: ['tweets'], total: TOTAL, killAt: { collection: 'tweets', items: 2 * PARTS[0], of: TOTAL }, damaged: [damaged] });

  it('resumes an X import without reading a finished file again, with every post exactly once', async () => {
    const zip = buildZip(xArchiveEntries({ generation: 'modern', parts: PARTS }));
    const { api, worker, user, id } = await crashAndResume(zip, xPlan('data/tweets.js'));
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
    const { api, worker, user, id } = await crashAndResume(zip, xPlan('data/tweets-part7.js'));
    const state = await waitFor(api, user, id, finished, { timeoutMs: 180_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARCHIVE' } });
    expect(state.error?.message).toContain('data/tweets-part7.js');
  }, 600_000);

  it('resumes a Facebook import inside its Messenger thread without reading a finished file again, every post and message exactly once', async () => {
    const zip = buildZip(facebookBulkEntries({ postFiles: POST_FILES, messageFiles: MESSAGE_FILES }));
    // Every posts file and the thread's oldest file (read first) are finished once its second file is under way.
    const damaged = [...POST_FILES.map((_, i) => facebookPostsFile(i + 1)), facebookMessageFile(MESSAGE_FILES.length)];
    const plan: CrashPlan = { collections: ['posts', 'messages'], total: POSTS + MESSAGES, killAt: { collection: 'messages', items: 2 * MESSAGE_FILES[0], of: MESSAGES }, damaged };
    const { api, worker, user, id } = await crashAndResume(zip, plan);
    const done = await completed(api, user, id, 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
    });
    expect(done).toMatchObject({ status: 'completed', processedItems: POSTS + MESSAGES });
    await withArchive(api, user, id, (archive) => {
      const posts = archive.json<Row[]>('posts.json');
      expect(duplicates(posts.map((row) => row.id))).toEqual([]);
      expect(sorted(posts.map((row) => String(row.message)))).toEqual(sorted(numbers(POSTS).map(bulkPostText)));
      const messages = archive.json<Row[]>('messages.json');
      expect(duplicates(messages.map((row) => row.id))).toEqual([]);
      // The thread oldest first across its files, the resumed part appended where the crash left it.
      expect(messages.map((row) => row.text)).toEqual(numbers(MESSAGES).map(bulkMessageText));
    });
  }, 600_000);
});
