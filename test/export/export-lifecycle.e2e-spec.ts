import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ExportMaintenance } from '../../apps/api/src/modules/export/queue/export-maintenance';
import { FixtureAdapter, quotaExceeded, rateLimited } from '../support/fixture-adapter';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { TestApp, startTestApp } from '../support/test-app';
import { withArchive } from '../support/archive';
import { ExportUser, exportState, finished, startExport, waitFor } from '../support/export-client';
import { connectedUser } from './export-support';
import request from 'supertest';

/** Cancel, parking, failures and a stale worker: the export's life beyond the happy path. */
describe('Export lifecycle', () => {
  const fixture = new FixtureAdapter();
  let t: TestApp;
  let user: ExportUser;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1', EXPORT_MAX_ACTIVE: '10' }, [fixture]);
    user = await connectedUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => fixture.reset());

  const servedPages = (): number => [...fixture.served.values()].reduce((sum, count) => sum + count, 0);
  const workFolder = (id: string): string => join(t.config.storageDir, 'work', id);

  it('cancels a running export between platform calls and removes its files', async () => {
    fixture.reset({ totals: { posts: 5_000, photos: 0 }, pageDelayMs: 150 });
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, (state) => state.processedItems >= 100);
    await user.pace();
    await request(t.url).post(`/api/export/${id}/cancel`).set(user.auth).expect(200, { success: true, message: 'Export cancelled successfully' });
    await waitFor(t, user, id, () => !existsSync(workFolder(id)));
    const pagesAtCancel = servedPages();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(servedPages()).toBe(pagesAtCancel);
    const state = await exportState(t, user, id);
    expect(state.status).toBe('cancelled');
    expect(state.processedItems).toBeLessThan(5_000);
    // Idempotent; the archive never appears.
    await user.pace();
    await request(t.url).post(`/api/export/${id}/cancel`).set(user.auth).expect(200);
    await user.pace();
    await request(t.url).get(`/api/export/${id}/download`).set(user.auth).expect(409);
  });

  it('never starts a cancelled queued export', async () => {
    // Two slow exports keep both worker slots busy, so the third waits in the queue.
    fixture.reset({ totals: { posts: 400, photos: 0 }, pageDelayMs: 150 });
    const busy = [await startExport(t, user, { format: 'json' }), await startExport(t, user, { format: 'json' })];
    for (const id of busy) await waitFor(t, user, id, (state) => state.status === 'processing');
    const queued = await startExport(t, user, { format: 'csv' });
    expect((await exportState(t, user, queued)).status).toBe('queued');
    await user.pace();
    await request(t.url).post(`/api/export/${queued}/cancel`).set(user.auth).expect(200);
    for (const id of busy) await waitFor(t, user, id, finished);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const state = await exportState(t, user, queued);
    expect(state).toMatchObject({ status: 'cancelled', processedItems: 0, startedAt: null });
  });

  it('answers 409 when cancelling a finished export', async () => {
    fixture.reset({ totals: { posts: 10, photos: 0 } });
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, finished);
    await user.pace();
    const res = await request(t.url).post(`/api/export/${id}/cancel`).set(user.auth).expect(409);
    expect(res.body).toMatchObject({ success: false, code: 'EXPORT_ALREADY_FINISHED' });
  });

  it('parks on spent quota, shows when it resumes, and goes on without repeating a page', async () => {
    fixture.reset({ totals: { posts: 150, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: quotaExceeded(2), times: 1 }] });
    const id = await startExport(t, user, { format: 'json' });
    const parked = await waitFor(t, user, id, (state) => state.waitReason === 'quota_exceeded');
    expect(parked.status).toBe('processing');
    expect(new Date(parked.resumeAt as string).getTime()).toBeGreaterThan(Date.now() - 1_000);
    const done = await waitFor(t, user, id, finished);
    expect(done).toMatchObject({ status: 'completed', processedItems: 150, waitReason: null });
    expect(fixture.served.get('posts:0')).toBe(1);
    await withArchive(t, user, id, (archive) => {
      const ids = (JSON.parse(archive.read('posts.json')) as { id: string }[]).map((post) => post.id);
      expect(new Set(ids).size).toBe(150);
      expect(ids).toHaveLength(150);
    });
  });

  it('parks on a long rate-limit wait the same way', async () => {
    fixture.reset({ totals: { posts: 100, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: rateLimited(2), times: 1 }] });
    const id = await startExport(t, user, { format: 'json' });
    expect((await waitFor(t, user, id, (state) => state.waitReason === 'rate_limited')).resumeAt).not.toBeNull();
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'completed', processedItems: 100 });
  });

  it('retries a failed page from the checkpoint, without fetching finished pages again', async () => {
    fixture.reset({ totals: { posts: 150, photos: 0 }, faults: [{ collection: 'posts', page: 2, error: () => new Error('connection reset'), times: 1 }] });
    const id = await startExport(t, user, { format: 'json' });
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'completed', processedItems: 150 });
    expect(fixture.served.get('posts:0')).toBe(1);
    expect(fixture.served.get('posts:1')).toBe(1);
    expect(fixture.served.get('posts:2')).toBe(1);
  });

  it('fails with PLATFORM_NOT_CONNECTED when the platform rejects the credentials, and flags the connection', async () => {
    const other = await connectedUser(t);
    fixture.reset({ totals: { posts: 100, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: () => new CredentialsRejectedError('fixture', 'invalid_grant'), times: 1 }] });
    const id = await startExport(t, other, { format: 'json' });
    const state = await waitFor(t, other, id, finished);
    expect(state).toMatchObject({ status: 'failed', error: { code: 'PLATFORM_NOT_CONNECTED' } });
    const status = await request(t.url).get('/api/platforms/fixture/status').set(other.auth).expect(200);
    expect(status.body.data).toMatchObject({ connected: false, needsReconnect: true });
    await other.pace();
    const again = await request(t.url).post('/api/export/start').set(other.auth).send({ platform: 'fixture', format: 'json' }).expect(409);
    expect(again.body.code).toBe('PLATFORM_NOT_CONNECTED');
  });

  it('stops a worker whose attempt was taken over, and the export still completes exactly once', async () => {
    fixture.reset({ totals: { posts: 1_000, photos: 0 }, pageDelayMs: 100 });
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, (state) => state.processedItems >= 100);
    const db = t.app.get(DataSource);
    // What a second worker does when it takes the job over: raise the fencing token.
    await db.query(`UPDATE export_jobs SET attempt = attempt + 1 WHERE id = $1`, [id]);
    const frozen = (await exportState(t, user, id)).processedItems;
    await new Promise((resolve) => setTimeout(resolve, 800));
    // The stale worker's checkpoints are refused: progress stands still.
    expect((await exportState(t, user, id)).processedItems).toBe(frozen);
    // Its queue job ended; the reconciler hands the export to a new attempt, which resumes.
    fixture.settings.pageDelayMs = 0;
    expect(await t.app.get(ExportMaintenance).reconcile()).toBeGreaterThanOrEqual(1);
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'completed', processedItems: 1_000 });
    await withArchive(t, user, id, (archive) => {
      const ids = (JSON.parse(archive.read('posts.json')) as { id: string }[]).map((post) => post.id);
      expect(ids).toEqual(Array.from({ length: 1_000 }, (_, i) => `posts-${i}`));
    });
  });
});
