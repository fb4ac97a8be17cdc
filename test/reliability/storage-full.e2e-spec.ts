import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { ExportUser } from '../support/export-client';
import { FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, startTestApp, tempDir } from '../support/test-app';
import { connectedUser } from '../export/export-support';

/**
 * STORAGE_DIR on an 8 MB filesystem of this test's own (a tmpfs it mounts and unmounts): a new
 * export is refused up front with 503 STORAGE_FULL, rather than accepted and failed half-way.
 */
describe('Starting an export with full storage', () => {
  const fixture = new FixtureAdapter();
  const storage = tempDir('se-small-disk-');
  let t: TestApp;
  let user: ExportUser;

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', storage]);
    t = await startTestApp({ TRUST_PROXY: '1', STORAGE_DIR: storage }, [fixture]);
    user = await connectedUser(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    execFileSync('umount', [storage]);
  });

  it('answers 503 STORAGE_FULL with Retry-After, and creates no export', async () => {
    const res = await request(t.url).post('/api/export/start').set(user.auth).send({ platform: 'fixture', format: 'json' });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 503,
      body: { success: false, error: expect.any(String), code: 'STORAGE_FULL' },
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).not.toMatch(/\//);
    const list = await request(t.url).get('/api/export').set(user.auth).expect(200);
    expect(list.body.data.exports).toEqual([]);
  });
});
