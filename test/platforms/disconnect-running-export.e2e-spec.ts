import request from 'supertest';
import { serverMode } from '../support/test-app';
import {
  Harness,
  User,
  YOUTUBE_READONLY,
  connect,
  dumpDatabase,
  dumpRedis,
  expectNoTokens,
  newUser,
  sleep,
  startHarness,
  status,
  storedCredentials,
  tokenInfo,
} from './platforms-support';

interface ExportState {
  status: string;
  processedItems: number;
  completedAt: string | null;
  error: { code: string; message: string } | null;
}

/** Export routes allow 10 requests a second per user: one every 150 ms stays well under. */
const PACE_MS = 150;

/** YouTube exports against the sandbox, as far as the Platforms module is concerned: sync time, quota, disconnect. */
describe('Platform connections and running YouTube exports', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    h.sandbox.admin.createAccount({ key: 'small', videos: 6, playlists: 1, likes: 2, subscriptions: 3 });
    h.sandbox.admin.createAccount({ key: 'big', videos: 5000, playlists: 2, maxThreadsPerVideo: 0 });
  });
  afterAll(async () => {
    h?.sandbox.admin.clearLatency();
    await h?.close();
  });

  const connectAccount = async (user: User, account: string): Promise<string[]> => {
    const tokens = h.sandbox.admin.issueTokens({ account, scopes: [YOUTUBE_READONLY] });
    await connect(h.t, user, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token }).expect(200);
    return [tokens.access_token, tokens.refresh_token as string];
  };

  const startExport = async (user: User, options: object): Promise<string> => {
    await sleep(PACE_MS);
    const res = await request(h.t.url).post('/api/export/start').set(user.auth).send({ platform: 'youtube', format: 'json', options });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { data: { jobId: string } }).data.jobId;
  };

  /** Polls the export (paced) until `done`; bounded, so a stuck export fails the test instead of hanging it. */
  const waitFor = async (user: User, id: string, done: (state: ExportState) => boolean, attempts = 400): Promise<ExportState> => {
    let state: ExportState | undefined;
    for (let i = 0; i < attempts; i += 1) {
      await sleep(PACE_MS);
      const res = await request(h.t.url).get(`/api/export/${id}`).set(user.auth).expect(200);
      state = (res.body as { data: ExportState }).data;
      if (done(state)) return state;
    }
    throw new Error(`export ${id} did not get there; last state ${JSON.stringify(state)}`);
  };

  it('records the sync of a finished export, and counts exactly the units YouTube billed', async () => {
    const user = await newUser(h.t);
    await connectAccount(user, 'small');
    const id = await startExport(user, {});
    const done = await waitFor(user, id, (state) => ['completed', 'failed', 'cancelled'].includes(state.status));
    expect(done).toMatchObject({ status: 'completed', error: null });

    const now = await status(h.t, user);
    expect(now.lastSync).not.toBeNull();
    expect(Date.parse(now.lastSync as string)).toBeGreaterThanOrEqual(Date.parse(done.completedAt as string) - 1000);
    expect(now.quotaUsage.used).toBeGreaterThan(1);
    expect(now.quotaUsage.used).toBe(h.sandbox.admin.log().unitsToday.small);
  });

  it('stops a running export with PLATFORM_NOT_CONNECTED when the platform is disconnected', async () => {
    const user = await newUser(h.t);
    const tokens = await connectAccount(user, 'big');
    // Slow enough that 5,000 videos (200 Data API pages) take far longer than the test needs.
    h.sandbox.admin.addLatency({ ms: 300, match: { path: '/youtube/v3/*' } });
    const id = await startExport(user, { collections: ['videos'] });
    const running = await waitFor(user, id, (state) => state.status === 'processing' && state.processedItems > 0);
    expect(running.error).toBeNull();

    // While it runs, neither the database nor Redis (queue job data included) holds a token in clear.
    const credentials = await storedCredentials(h.t, user.session.user.id);
    if (credentials.kind === 'oauth') tokens.push(credentials.accessToken);
    expectNoTokens(await dumpDatabase(h.t), tokens);
    if (serverMode()) {
      const redis = await dumpRedis(process.env.REDIS_URL as string);
      expect(redis).toContain(id);
      expectNoTokens(redis, tokens);
    }

    await sleep(PACE_MS);
    const res = await request(h.t.url).post('/api/platforms/youtube/disconnect').set(user.auth).expect(200);
    expect(res.body).toEqual({ success: true, message: 'Platform disconnected successfully' });
    expect((await tokenInfo(h.sandbox, tokens[0])).status).toBe(400);

    const stopped = await waitFor(user, id, (state) => state.status !== 'processing' && state.status !== 'queued');
    expect(stopped).toMatchObject({ status: 'failed', error: { code: 'PLATFORM_NOT_CONNECTED', message: expect.any(String) } });
    expect(stopped.processedItems).toBeLessThan(5000);
    expect(await status(h.t, user)).toMatchObject({ connected: false, needsReconnect: false, account: null });
    const me = await request(h.t.url).get('/api/auth/me').set(user.auth).expect(200);
    expect((me.body as { data: { platforms: string[] } }).data.platforms).toEqual([]);

    // A new export cannot start without a connection either.
    await sleep(PACE_MS);
    const again = await request(h.t.url).post('/api/export/start').set(user.auth).send({ platform: 'youtube', format: 'json' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: 'PLATFORM_NOT_CONNECTED' });
  });
});
