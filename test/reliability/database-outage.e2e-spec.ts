import request from 'supertest';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import { completed, startExport, waitFor } from '../support/export-client';
import { FixtureAdapter } from '../support/fixture-adapter';
import { sleep } from '../support/pacing';
import { TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { TestApp, createScratchDatabase, serverMode, startTestApp } from '../support/test-app';
import { connectedUser } from '../export/export-support';

/**
 * PostgreSQL out of reach (cut off by a proxy this test controls; the server itself keeps running):
 * every request that needs it answers 503 SERVICE_UNAVAILABLE with Retry-After, never a 500, and the
 * service answers normally again once the database is back.
 */
(serverMode() ? describe : describe.skip)('Requests while the database is out of reach', () => {
  let proxy: TcpProxy;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let t: TestApp;
  const fixture = new FixtureAdapter();

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const direct = new URL(scratch.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(scratch.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp({ DATABASE_URL: proxied.toString(), TRUST_PROXY: '1' }, [fixture]);
  }, 120_000);
  afterAll(async () => {
    proxy.restore();
    await t?.close();
    await proxy?.close();
    await scratch?.drop();
  });

  it('answers 503 with Retry-After while PostgreSQL is cut off, then works again', async () => {
    const email = uniqueEmail('outage');
    const { session } = await registerUser(t, { email, password: 'correct horse battery', name: 'Outage' });
    const auth = { Authorization: `Bearer ${session.token}` };

    proxy.cut();
    const answers = [
      await request(t.url).post('/api/auth/login').set('X-Forwarded-For', '10.13.0.1').send({ email, password: 'correct horse battery' }),
      await request(t.url).post('/api/auth/register').set('X-Forwarded-For', '10.13.0.2').send({ email: uniqueEmail('outage'), password: 'correct horse battery', name: 'Second' }),
      await request(t.url).get('/api/export').set(auth),
      await request(t.url).post('/api/export/start').set(auth).send({ platform: 'youtube', format: 'json' }),
    ];
    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 503,
        body: { success: false, error: expect.any(String), code: 'SERVICE_UNAVAILABLE' },
      });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }

    proxy.restore();
    const back = await request(t.url).post('/api/auth/login').set('X-Forwarded-For', '10.13.0.3').send({ email, password: 'correct horse battery' });
    expect(back.status).toBe(200);
    expect((await request(t.url).get('/api/export').set(auth)).status).toBe(200);
  });

  it('a running export outlasts more database outages than it has attempts, and completes with all its items', async () => {
    const user = await connectedUser(t);
    fixture.reset({ totals: { posts: 1_500, photos: 0 }, pageDelayMs: 30 });
    const id = await startExport(t, user, { format: 'json' });
    // An export has five attempts: five outages that each spent one would fail it for good.
    for (let outage = 1; outage <= 5; outage += 1) {
      const before = await waitFor(t, user, id, (state) => state.processedItems >= outage * 200 || state.status !== 'processing' && state.status !== 'queued', { timeoutMs: 60_000 });
      // Each outage must hit the export while it runs, or it proves nothing.
      expect(before.status).toBe('processing');
      proxy.cut();
      await sleep(1_000);
      proxy.restore();
    }
    const done = await completed(t, user, id, 120_000);
    expect(done).toMatchObject({ status: 'completed', processedItems: 1_500, error: null });
    const served = [...fixture.served.values()];
    // Only a page cut off before its checkpoint is asked again.
    expect(served.filter((times) => times > 2)).toEqual([]);
  }, 240_000);
});
