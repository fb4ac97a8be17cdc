import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { ExportUser, finished, startExport, waitFor } from '../support/export-client';
import { FixtureAdapter, rateLimited } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { ExportMaintenance } from '../../apps/api/src/modules/export/queue/export-maintenance';
import { connectedUser } from '../export/export-support';

/** An export that ends, however it ends, leaves no work folder behind: a full disk must not stay full. */
describe('Work folders after an export ends', () => {
  const fixture = new FixtureAdapter();
  let t: TestApp;
  let user: ExportUser;
  const workDir = (id: string): string => join(t.config.storageDir, 'work', id);

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' }, [fixture]);
    user = await connectedUser(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('removes the work folder of an export cancelled while parked', async () => {
    fixture.reset({ totals: { posts: 100, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: rateLimited(120), times: 1 }] });
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, (state) => state.waitReason === 'rate_limited');
    expect(existsSync(workDir(id))).toBe(true);
    await request(t.url).post(`/api/export/${id}/cancel`).set(user.auth).expect(200);
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'cancelled' });
    expect(await removedSoon(workDir(id))).toBe(true);
  });

  it('removes the work folder of an export that failed for good', async () => {
    fixture.reset({
      totals: { posts: 100, photos: 0 },
      faults: [{ collection: 'posts', page: 1, error: () => new CredentialsRejectedError('fixture', 'invalid_grant'), times: 1 }],
    });
    const id = await startExport(t, user, { format: 'json' });
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'failed' });
    expect(await removedSoon(workDir(id))).toBe(true);
  });

  it('sweeps work folders and half-written archives that no unfinished export owns, and keeps those of a waiting one', async () => {
    fixture.reset({ totals: { posts: 100, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: rateLimited(120), times: 1 }] });
    // A user of its own: the failure above left the first one's platform needing a reconnect.
    const owner = await connectedUser(t);
    const parked = await startExport(t, owner, { format: 'json' });
    await waitFor(t, owner, parked, (state) => state.waitReason === 'rate_limited');
    // What a crashed worker leaves: a work folder and a half-written ZIP of an export no longer running.
    const orphan = randomUUID();
    mkdirSync(join(workDir(orphan), 'media'), { recursive: true });
    writeFileSync(join(workDir(orphan), 'posts.items.a1.ndjson'), '{"id":"1"}\n');
    const archives = join(t.config.storageDir, 'archives');
    mkdirSync(archives, { recursive: true });
    writeFileSync(join(archives, `${orphan}.a1.zip.part`), 'PK half an archive');

    expect(await t.app.get(ExportMaintenance).sweepOrphans()).toEqual([orphan]);
    expect(existsSync(workDir(orphan))).toBe(false);
    expect(existsSync(join(archives, `${orphan}.a1.zip.part`))).toBe(false);
    expect(existsSync(workDir(parked))).toBe(true);
    await request(t.url).post(`/api/export/${parked}/cancel`).set(owner.auth).expect(200);
  });
});

/** The worker removes the folder right after it records the end: polled briefly (bounded), not assumed. */
async function removedSoon(path: string): Promise<boolean> {
  for (let polls = 0; polls < 50 && existsSync(path); polls += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  return !existsSync(path);
}
