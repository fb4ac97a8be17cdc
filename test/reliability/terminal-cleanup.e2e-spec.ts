import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { ExportUser, finished, startExport, waitFor } from '../support/export-client';
import { FixtureAdapter, rateLimited } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
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
    expect(existsSync(workDir(id))).toBe(false);
  });

  it('removes the work folder of an export that failed for good', async () => {
    fixture.reset({
      totals: { posts: 100, photos: 0 },
      faults: [{ collection: 'posts', page: 1, error: () => new CredentialsRejectedError('fixture', 'invalid_grant'), times: 1 }],
    });
    const id = await startExport(t, user, { format: 'json' });
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'failed' });
    expect(existsSync(workDir(id))).toBe(false);
  });
});
