import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import request from 'supertest';
import { withArchive, archiveIds } from '../support/archive';
import { ExportUser, completed, exportState, startExport, waitFor } from '../support/export-client';
import { FixtureAdapter } from '../support/fixture-adapter';
import { duplicates } from '../support/ids';
import { TestApp, startTestApp, tempDir } from '../support/test-app';
import { RecordingSocket, connectedUser, openSocket } from '../export/export-support';

/**
 * STORAGE_DIR on a tmpfs of this test's own, which it mounts, resizes and unmounts: a filesystem that
 * fills up under a running export, then gets its space back, and one that is full before a start.
 * tmpfs takes memory only for what is written, so a 2 GB size costs nothing.
 */
describe('Exports and a full disk', () => {
  const fixture = new FixtureAdapter();
  const storage = tempDir('se-small-disk-');
  let t: TestApp;
  let user: ExportUser;
  let socket: RecordingSocket | undefined;

  const resize = (bytes: number): void => {
    execFileSync('mount', ['-o', `remount,size=${bytes}`, storage]);
  };
  const usedBytes = (): number => {
    const stats = statfsSync(storage);
    return (stats.blocks - stats.bfree) * stats.bsize;
  };

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2g', 'tmpfs', storage]);
    t = await startTestApp({ TRUST_PROXY: '1', STORAGE_DIR: storage }, [fixture]);
    user = await connectedUser(t);
  }, 120_000);
  afterAll(async () => {
    socket?.close();
    await t?.close();
    execFileSync('umount', ['--lazy', storage]);
  });

  it('parks a running export that fills the disk (storage_full), and completes it once space is back, every item once', async () => {
    const total = 2_000;
    fixture.reset({ totals: { posts: total, photos: 0 }, pageDelayMs: 40 });
    socket = openSocket(t, user.session.token);
    await socket.connected();
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, (state) => state.processedItems >= 300 || state.status !== 'processing' && state.status !== 'queued');

    // Room for about half a page more: the next writes fail with ENOSPC.
    resize(usedBytes() + 8 * 1024);
    const parked = await waitFor(t, user, id, (state) => state.waitReason !== null || state.status !== 'processing', { timeoutMs: 60_000 });
    expect(parked).toMatchObject({ status: 'processing', waitReason: 'storage_full', error: null });
    expect(parked.resumeAt).not.toBeNull();
    expect(parked.processedItems).toBeLessThan(total);
    const waiting = await socket.next((event) => event.name === 'export:waiting' && event.payload.jobId === id);
    expect(waiting.payload).toMatchObject({ jobId: id, waitReason: 'storage_full' });
    // Still full a while later: it keeps waiting rather than failing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await exportState(t, user, id)).toMatchObject({ status: 'processing', waitReason: 'storage_full', error: null });

    resize(2 * 1024 ** 3);
    const done = await completed(t, user, id, 90_000);
    expect(done).toMatchObject({ status: 'completed', processedItems: total, progress: 100, error: null });
    await socket.next((event) => event.name === 'export:resumed' && event.payload.jobId === id);
    await withArchive(t, user, id, (archive) => {
      const ids = archiveIds(archive, 'json', 'posts');
      expect(duplicates(ids)).toEqual([]);
      expect(ids.length).toBe(total);
    });
  }, 180_000);

  it('refuses a start with 503 STORAGE_FULL and Retry-After when the disk is already full, and creates no export', async () => {
    resize(8 * 1024 ** 2);
    const before = (await request(t.url).get('/api/export').set(user.auth).expect(200)).body.data.pagination.total as number;
    const res = await request(t.url).post('/api/export/start').set(user.auth).send({ platform: 'fixture', format: 'json' });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 503,
      body: { success: false, error: expect.any(String), code: 'STORAGE_FULL' },
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).not.toMatch(/\//);
    const list = await request(t.url).get('/api/export').set(user.auth).expect(200);
    expect(list.body.data.pagination.total).toBe(before);
  });
});
