import { Logger } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FIXTURE, FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { ExportUser, exportState, finished, startExport, waitFor } from '../support/export-client';
import { connectedUser } from '../export/export-support';
import { connectYouTube, startYouTubeHarness } from '../youtube/youtube-support';
import type { YouTubeHarness } from '../youtube/youtube-support';

/** Flips one byte of the ciphertext of a user's sealed credentials; returns the altered value. */
async function tamper(db: DataSource, userId: string, platform: string): Promise<string> {
  const [{ credentials }]: { credentials: string }[] = await db.query(
    'SELECT credentials FROM platform_connections WHERE user_id = $1 AND platform = $2',
    [userId, platform],
  );
  const parts = credentials.split(':');
  const body = Buffer.from(parts[3], 'base64url');
  body[0] ^= 1;
  parts[3] = body.toString('base64url');
  const altered = parts.join(':');
  await db.query('UPDATE platform_connections SET credentials = $1 WHERE user_id = $2 AND platform = $3', [altered, userId, platform]);
  return altered;
}

/**
 * A platform credential whose ciphertext was altered in the database (one byte flipped) is a
 * connection that needs a reconnect: 409 PLATFORM_NOT_CONNECTED telling the user so, one security
 * warning naming the user and platform (never the ciphertext), and no route answering 500.
 */
describe('Tampered platform credentials', () => {
  const fixture = new FixtureAdapter();
  let t: TestApp;
  let db: DataSource;
  let warn: jest.SpyInstance;

  const tamperFixture = (user: ExportUser): Promise<string> => tamper(db, user.session.user.id, FIXTURE);

  const securityWarnings = (user: ExportUser): string[] =>
    warn.mock.calls.map((call: unknown[]) => String(call[0])).filter((line) => line.includes(user.session.user.id));

  const call = async (user: ExportUser, method: 'get' | 'post', path: string, body?: object): Promise<request.Response> => {
    await user.pace();
    const res = await request(t.url)[method](path).set(user.auth).send(body);
    expect(res.status).toBeLessThan(500);
    return res;
  };

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    t = await startTestApp({ TRUST_PROXY: '1' }, [fixture]);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    warn.mockRestore();
  });
  beforeEach(() => fixture.reset({ totals: { posts: 30, photos: 0 } }));

  it('refuses the start with 409 PLATFORM_NOT_CONNECTED asking for a reconnect, logs it once, and a reconnect heals it', async () => {
    const user = await connectedUser(t);
    const altered = await tamperFixture(user);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const res = await call(user, 'post', '/api/export/start', { platform: FIXTURE, format: 'json' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_NOT_CONNECTED', error: expect.stringMatching(/connected again/) });
    }
    const [{ count }]: { count: number }[] = await db.query('SELECT count(*)::int AS count FROM export_jobs WHERE user_id = $1', [user.session.user.id]);
    expect(count).toBe(0);

    const warnings = securityWarnings(user);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(FIXTURE);
    for (const part of altered.split(':').slice(2)) expect(warnings[0]).not.toContain(part);

    // Every route that looks at the connection answers normally and tells the same story.
    const status = await call(user, 'get', `/api/platforms/${FIXTURE}/status`);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ connected: false, needsReconnect: true });
    expect((await call(user, 'get', '/api/auth/me')).status).toBe(200);
    expect((await call(user, 'get', '/api/platforms')).status).toBe(200);

    // Connecting again stores fresh credentials, and exports work again.
    expect((await call(user, 'post', `/api/platforms/${FIXTURE}/connect`, { accessToken: 'fixture-token' })).status).toBe(200);
    const id = await startExport(t, user, { format: 'json' });
    expect(await waitFor(t, user, id, finished)).toMatchObject({ status: 'completed' });
    expect(securityWarnings(user)).toHaveLength(1);
  });

  it('shows a tampered connection in the status before any export, and disconnects it without a 500', async () => {
    const user = await connectedUser(t);
    await tamperFixture(user);
    const status = await call(user, 'get', `/api/platforms/${FIXTURE}/status`);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ connected: false, needsReconnect: true });
    expect(securityWarnings(user)).toHaveLength(1);
    expect((await call(user, 'post', `/api/platforms/${FIXTURE}/disconnect`)).status).toBe(200);
    const after = await call(user, 'get', `/api/platforms/${FIXTURE}/status`);
    expect(after.body.data).toMatchObject({ connected: false, needsReconnect: false });
  });

  it('fails a running export with PLATFORM_NOT_CONNECTED when its credentials are altered meanwhile', async () => {
    const user = await connectedUser(t);
    fixture.reset({ totals: { posts: 2_000, photos: 0 }, pageDelayMs: 100 });
    const id = await startExport(t, user, { format: 'json' });
    await waitFor(t, user, id, (state) => state.processedItems > 0 || finished(state));
    await tamperFixture(user);
    const done = await waitFor(t, user, id, finished);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'PLATFORM_NOT_CONNECTED', message: expect.stringMatching(/reconnect/i) });
    expect(securityWarnings(user)).toHaveLength(1);
    expect((await exportState(t, user, id)).status).toBe('failed');
    const status = await call(user, 'get', `/api/platforms/${FIXTURE}/status`);
    expect(status.body.data).toMatchObject({ needsReconnect: true });
  });
});

/** The reported case: YouTube's start asks the platform for an estimate with the stored tokens. */
describe('Tampered YouTube credentials', () => {
  let h: YouTubeHarness | undefined;

  beforeAll(async () => {
    h = await startYouTubeHarness();
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  it('answer 409 PLATFORM_NOT_CONNECTED on export start, and the status says to reconnect', async () => {
    const { t, sandbox } = h as YouTubeHarness;
    const user = await connectYouTube(t, sandbox, 'alice');
    await tamper(t.app.get(DataSource), user.session.user.id, 'youtube');
    await user.pace();
    const res = await request(t.url).post('/api/export/start').set(user.auth).send({ platform: 'youtube', format: 'json' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, code: 'PLATFORM_NOT_CONNECTED', error: expect.stringMatching(/Reconnect youtube/) });
    await user.pace();
    const status = await request(t.url).get('/api/platforms/youtube/status').set(user.auth);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ connected: false, needsReconnect: true });
  });
});
