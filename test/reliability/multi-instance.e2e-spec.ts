import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { newAddress, registerUser, uniqueEmail } from '../support/auth-helpers';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceFleet } from '../support/service-fleet';
import type { ServiceProcess } from '../support/service-process';
import { serverMode } from '../support/test-app';
import { RecordingSocket, openSocket } from '../export/export-support';
import { AccountIds, COLLECTIONS, apiCalls, connectYouTube, expectJsonArchiveHolds, freshAccount, servedPages } from '../youtube/youtube-support';

/**
 * The scale-out the README describes, as separate processes of the compiled service: two API instances
 * (APP_ROLE=api) and a worker (APP_ROLE=worker) on one PostgreSQL and one Redis. What one instance
 * does, the others see: an export's events reach a socket on another API instance, a killed worker's
 * export is finished by its replacement, and rate limits and revoked sessions hold across instances.
 */
(serverMode() ? describe : describe.skip)('Several instances of one deployment', () => {
  let release: () => void;
  let sandbox: RunningSandbox;
  let account: AccountIds;
  let fleet: ServiceFleet;
  let first: ServiceProcess;
  let second: ServiceProcess;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    release = await serialiseServerMode();
    sandbox = await startSandbox({ port: 0, logCapacity: 5_000 });
    account = await freshAccount(sandbox, {
      key: 'fleet',
      videos: 200,
      playlistSizes: [40, 0],
      likes: 0,
      subscriptions: 60,
      maxThreadsPerVideo: 1,
      maxRepliesPerThread: 2,
    });
    fleet = await ServiceFleet.start({ env: { ...sandbox.env }, dataDirPrefix: 'se-multi-' });
    first = fleet.api;
    second = await fleet.addApi();
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await fleet?.close();
    await sandbox?.close();
    release?.();
  });

  it('an export started on one API instance is watched on the other, outlives its worker, and holds every item once', async () => {
    const user = await connectYouTube(first, sandbox, 'fleet');
    const watcher = openSocket(second, user.session.token);
    sockets.push(watcher);
    await watcher.connected();
    const since = sandbox.admin.log().lastSeq;
    // Slow Data API answers, so the export is still mid-way when its worker dies.
    sandbox.admin.addLatency({ ms: 100, match: { account: 'fleet', path: '/youtube/v3/*' } });

    const id = await startExport(first, user, { format: 'json' });
    // The worker publishes, the first instance took the request: the second one's socket hears it all the same.
    await watcher.next((event) => event.name === 'export:progress' && event.payload.jobId === id, 60_000);
    const mid = await waitFor(second, user, id, (state) => finished(state) || state.progress >= 25, { timeoutMs: 120_000 });
    await fleet.worker.kill('SIGKILL');
    expect(mid.status).toBe('processing');

    sandbox.admin.clearLatency();
    const replacement = await fleet.replaceWorker();
    const complete = await watcher.next((event) => event.name === 'export:complete' && event.payload.jobId === id, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- the new worker's output ---\n${replacement.log}`);
    });
    expect(complete.payload).toMatchObject({ jobId: id, platform: 'youtube', warnings: [] });
    const total = COLLECTIONS.reduce((sum, collection) => sum + account[collection].length, 0);
    const done = await completed(first, user, id);
    expect(done).toMatchObject({ status: 'completed', processedItems: total, progress: 100, error: null });

    // Every item exactly once, downloaded through the instance that did not start the export.
    await expectJsonArchiveHolds(second, user, id, account);
    // The replacement resumed from the checkpoints: no page was asked for more than twice.
    const served = servedPages(apiCalls(sandbox, 'fleet', since));
    expect(served.size).toBeGreaterThan(0);
    expect([...served].filter(([, times]) => times > 2)).toEqual([]);
  }, 300_000);

  it('counts an account’s password attempts once across both instances', async () => {
    const { email } = await registerUser(first, { email: uniqueEmail('fleet') });
    const login = (instance: ServiceProcess, i: number): request.Test =>
      request(instance.url).post('/api/auth/login').set('X-Forwarded-For', newAddress()).send({ email, password: `wrong password ${i}` });
    // Sent at once, half to each instance, each from an address of its own: only the account's limit
    // applies. It lets five attempts through and then one per delay, so six are checked (401) and
    // the rest wait (429); instances counting on their own would each let six through.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(i % 2 === 0 ? first : second, i)));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array<number>(6).fill(401), ...Array<number>(6).fill(429)]);
    for (const limited of answers.filter((res) => res.status === 429)) {
      expect(limited.body).toMatchObject({ success: false, code: 'RATE_LIMIT_EXCEEDED' });
    }
  });

  it('refuses a session’s access token on the other instance as soon as it logs out on one', async () => {
    const { session } = await registerUser(first);
    const me = (instance: ServiceProcess): request.Test =>
      request(instance.url).get('/api/auth/me').set('Authorization', `Bearer ${session.token}`).set('X-Forwarded-For', newAddress());
    await me(second).expect(200);

    await request(first.url).post('/api/auth/logout').set('X-Forwarded-For', newAddress()).send({ refreshToken: session.refreshToken }).expect(200);

    const refused = await me(second);
    expect({ status: refused.status, body: refused.body as object }).toEqual({
      status: 401,
      body: expect.objectContaining({ success: false, code: 'INVALID_TOKEN' }),
    });
  });
});
