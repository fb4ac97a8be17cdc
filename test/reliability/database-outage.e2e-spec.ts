import request from 'supertest';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import { ExportProcessor } from '../../apps/api/src/modules/export/queue/export.processor';
import { completed, startExport, waitFor } from '../support/export-client';
import { FixtureAdapter } from '../support/fixture-adapter';
import { sleep } from '../support/pacing';
import { TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { TestApp, TestEnv, createScratchDatabase, serverMode, startTestApp } from '../support/test-app';
import { connectedUser } from '../export/export-support';

/** An app whose PostgreSQL is reached through a proxy the test can cut, on a scratch database of its own. */
interface CutOffApp {
  t: TestApp;
  proxy: TcpProxy;
  close(): Promise<void>;
}

async function startBehindProxy(env: TestEnv, adapters: FixtureAdapter[]): Promise<CutOffApp> {
  const scratch = await createScratchDatabase();
  const direct = new URL(scratch.url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(scratch.url);
  proxied.host = `127.0.0.1:${proxy.port}`;
  const t = await startTestApp({ ...env, DATABASE_URL: proxied.toString(), TRUST_PROXY: '1' }, adapters).catch(async (error: Error) => {
    await proxy.close();
    await scratch.drop();
    throw error;
  });
  return {
    t,
    proxy,
    close: async () => {
      proxy.restore();
      await t.close();
      await proxy.close();
      await scratch.drop();
    },
  };
}

/**
 * Five 1-second outages during one export, which has five attempts: were any of them to spend an
 * attempt, or leave the job to be found stalled (BullMQ fails a job stalled twice), the export would
 * not come through untouched. Completes with every item, each page asked for at most twice.
 */
async function outlastsOutages(t: TestApp, proxy: TcpProxy, fixture: FixtureAdapter): Promise<void> {
  const worker = t.app.get(ExportProcessor).worker;
  const stalled: string[] = [];
  const failed: string[] = [];
  const onStalled = (jobId: string): void => void stalled.push(jobId);
  const onFailed = (job: { id?: string } | undefined, error: Error): void => void failed.push(`${job?.id}: ${error.message}`);
  worker.on('stalled', onStalled);
  worker.on('failed', onFailed);
  try {
    const user = await connectedUser(t);
    fixture.reset({ totals: { posts: 1_500, photos: 0 }, pageDelayMs: 30 });
    const id = await startExport(t, user, { format: 'json' });
    for (let outage = 1; outage <= 5; outage += 1) {
      const before = await waitFor(t, user, id, (state) => state.processedItems >= outage * 200 || (state.status !== 'processing' && state.status !== 'queued'), { timeoutMs: 60_000 });
      // Each outage must hit the export while it runs, or it proves nothing.
      expect(before.status).toBe('processing');
      proxy.cut();
      await sleep(1_000);
      proxy.restore();
    }
    const done = await completed(t, user, id, 120_000);
    expect(done).toMatchObject({ status: 'completed', processedItems: 1_500, error: null });
    expect({ stalled, failed }).toEqual({ stalled: [], failed: [] });
    const served = [...fixture.served.values()];
    expect(served.length).toBeGreaterThan(0);
    // Only a page cut off before its checkpoint is asked again.
    expect(served.filter((times) => times > 2)).toEqual([]);
  } finally {
    worker.off('stalled', onStalled);
    worker.off('failed', onFailed);
  }
}

/**
 * PostgreSQL out of reach (cut off by a proxy this test controls; the server itself keeps running):
 * every request that needs it answers 503 SERVICE_UNAVAILABLE with Retry-After, never a 500, and the
 * service answers normally again once the database is back.
 */
(serverMode() ? describe : describe.skip)('Requests while the database is out of reach', () => {
  let cutOff: CutOffApp;
  let t: TestApp;
  let proxy: TcpProxy;
  const fixture = new FixtureAdapter();

  beforeAll(async () => {
    cutOff = await startBehindProxy({}, [fixture]);
    ({ t, proxy } = cutOff);
  }, 120_000);
  afterAll(async () => {
    await cutOff?.close();
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
    await outlastsOutages(t, proxy, fixture);
  }, 240_000);
});

/**
 * Without REDIS_URL the export queue is BullMQ's PostgreSQL backend on the same database: an outage
 * takes the queue away too, so the running export cannot hand its job back until the database returns.
 */
(serverMode() ? describe : describe.skip)('An export while the database that holds its queue is out of reach', () => {
  let cutOff: CutOffApp;
  const fixture = new FixtureAdapter();

  beforeAll(async () => {
    cutOff = await startBehindProxy({ REDIS_URL: undefined }, [fixture]);
  }, 120_000);
  afterAll(async () => {
    await cutOff?.close();
  });

  it('outlasts more outages than it has attempts, never stalled nor failed, and completes with all its items', async () => {
    expect(cutOff.t.config.redisUrl).toBeUndefined();
    await outlastsOutages(cutOff.t, cutOff.proxy, fixture);
  }, 240_000);
});
