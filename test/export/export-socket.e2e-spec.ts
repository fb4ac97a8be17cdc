import request from 'supertest';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { PROGRESS_INTERVAL_MS } from '../../apps/api/src/modules/export/events/progress-throttle';
import { MAX_SOCKETS_PER_USER } from '../../apps/api/src/modules/export/events/export.gateway';
import { jwtParts, unsignedJwt } from '../support/auth-helpers';
import { FIXTURE, FixtureAdapter, PAGE_SIZE, rateLimited } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { ExportUser, exportState, finished, startExport, waitFor } from '../support/export-client';
import { sleep } from '../support/pacing';
import { RecordingSocket, accessToken, connectedUser, openSocket } from './export-support';

const PROGRESS_KEYS = ['jobId', 'platform', 'processedItems', 'progress', 'totalItems'];

/** The keys of a payload, sorted, so "exactly these fields" reads as one comparison. */
const keysOf = (payload: Record<string, unknown>): string[] => Object.keys(payload).sort();

/**
 * The WebSocket gateway as a spec client sees it: who may connect, which events arrive for whose
 * exports and in what shape, and what a client cannot do (join rooms, flood, outlive its token).
 */
describe('Export WebSocket gateway', () => {
  const fixture = new FixtureAdapter();
  let t: TestApp;
  let a: ExportUser;
  let b: ExportUser;
  let aSocket: RecordingSocket;
  let bSocket: RecordingSocket;
  const sockets: RecordingSocket[] = [];
  /** Every export A starts, so B's silence can be checked against all of them. */
  const aJobs: string[] = [];

  const track = (socket: RecordingSocket): RecordingSocket => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' }, [fixture]);
    [a, b] = [await connectedUser(t), await connectedUser(t)];
    aSocket = track(openSocket(t, a.session.token));
    bSocket = track(openSocket(t, b.session.token));
    await Promise.all([aSocket.connected(), bSocket.connected()]);
    // B tries to reach A's events: by joining A's room and by subscribing to A's (future) exports.
    bSocket.socket.emit('join', `user:${a.session.user.id}`);
    bSocket.socket.emit('join', { room: `user:${a.session.user.id}` });
    bSocket.socket.emit('subscribe', { userId: a.session.user.id });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });
  beforeEach(() => fixture.reset());

  describe('handshake', () => {
    const refusedWith = async (socket: RecordingSocket): Promise<string> => {
      track(socket);
      const reason = await socket.refused();
      expect(socket.socket.connected).toBe(false);
      expect(socket.events).toEqual([]);
      return reason;
    };

    it('refuses a socket without a token as AUTH_REQUIRED, one with a token that is not a string as INVALID_TOKEN', async () => {
      expect(await refusedWith(openSocket(t, undefined))).toBe('AUTH_REQUIRED');
      expect(await refusedWith(openSocket(t, ''))).toBe('AUTH_REQUIRED');
      expect(await refusedWith(openSocket(t, undefined, { auth: { token: 12345 } }))).toBe('INVALID_TOKEN');
    });

    it('refuses an expired token, an alg:none token, a garbled one and a refresh token', async () => {
      const { jti } = jwtParts(a.session.token).payload as { jti: string };
      const now = Math.floor(Date.now() / 1000);
      const expired = accessToken(t, { sub: a.session.user.id, jti, iat: now - 3_600, exp: now - 60 });
      const none = unsignedJwt({ alg: 'none', typ: 'at+jwt' }, { sub: a.session.user.id, jti, iss: t.config.jwt.issuer, aud: t.config.jwt.audience, exp: now + 600 });
      expect(await refusedWith(openSocket(t, expired))).toBe('INVALID_TOKEN');
      expect(await refusedWith(openSocket(t, none))).toBe('INVALID_TOKEN');
      expect(await refusedWith(openSocket(t, `${a.session.token}x`))).toBe('INVALID_TOKEN');
      expect(await refusedWith(openSocket(t, a.session.refreshToken))).toBe('INVALID_TOKEN');
      expect(await refusedWith(openSocket(t, `Bearer ${a.session.token}`))).toBe('INVALID_TOKEN');
    });

    it('ignores a token passed only in the query string', async () => {
      expect(await refusedWith(openSocket(t, undefined, { query: { token: a.session.token } }))).toBe('AUTH_REQUIRED');
      expect(await refusedWith(openSocket(t, undefined, { query: { auth: a.session.token, access_token: a.session.token } }))).toBe('AUTH_REQUIRED');
    });
  });

  it('streams throttled progress with exactly the spec fields, then export:complete', async () => {
    // Many instant pages: far more checkpoints than the throttle lets through as events.
    fixture.reset({ totals: { posts: 6_000, photos: 4_000 } });
    const startedAt = Date.now();
    const id = await startExport(t, a, { format: 'json' });
    aJobs.push(id);
    const complete = await aSocket.next((event) => event.name === 'export:complete' && event.payload.jobId === id, 60_000);
    const elapsed = Date.now() - startedAt;
    expect(complete.payload).toEqual({ jobId: id, platform: FIXTURE, downloadUrl: `/api/export/${id}/download`, warnings: [] });

    const mine = aSocket.events.filter((event) => event.payload.jobId === id);
    const progress = aSocket.of('export:progress', id);
    // Nothing about the export after it completed, and nothing but progress before.
    expect(mine[mine.length - 1]).toBe(complete);
    expect(mine.slice(0, -1).every((event) => event.name === 'export:progress')).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (const payload of progress) {
      expect(keysOf(payload)).toEqual(PROGRESS_KEYS);
      expect(payload).toMatchObject({ jobId: id, platform: FIXTURE });
      expect(Number.isInteger(payload.progress)).toBe(true);
      expect(payload.progress as number).toBeGreaterThanOrEqual(0);
      expect(payload.progress as number).toBeLessThanOrEqual(100);
      expect(Number.isInteger(payload.processedItems)).toBe(true);
      expect(payload.totalItems === null || Number.isInteger(payload.totalItems)).toBe(true);
    }
    // A progress bar never moves backwards.
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i].progress as number).toBeGreaterThanOrEqual(progress[i - 1].progress as number);
      expect(progress[i].processedItems as number).toBeGreaterThanOrEqual(progress[i - 1].processedItems as number);
    }
    // The last word before completion is the final count.
    expect(progress[progress.length - 1]).toMatchObject({ processedItems: 10_000, totalItems: 10_000 });
    // Throttled: a few events a second, not one per page.
    const pages = [...fixture.served.values()].reduce((sum, count) => sum + count, 0);
    expect(pages).toBe(10_000 / PAGE_SIZE);
    expect(progress.length).toBeLessThan(pages / 2);
    expect(progress.length).toBeLessThanOrEqual(2 * Math.ceil(elapsed / PROGRESS_INTERVAL_MS) + 2);
    // The state GET returns agrees with the last event.
    expect(await exportState(t, a, id)).toMatchObject({ status: 'completed', progress: 100, processedItems: 10_000 });
  });

  it('sends export:failed with the error and its code', async () => {
    const failing = await connectedUser(t);
    const socket = track(openSocket(t, failing.session.token));
    await socket.connected();
    fixture.reset({ totals: { posts: 200, photos: 0 }, faults: [{ collection: 'posts', page: 1, error: () => new CredentialsRejectedError(FIXTURE, 'invalid_grant'), times: 1 }] });
    const id = await startExport(t, failing, { format: 'json' });
    const failed = await socket.next((event) => event.name === 'export:failed' && event.payload.jobId === id);
    expect(keysOf(failed.payload)).toEqual(['code', 'error', 'jobId', 'platform']);
    expect(failed.payload).toEqual({ jobId: id, platform: FIXTURE, error: expect.any(String), code: 'PLATFORM_NOT_CONNECTED' });
    expect((failed.payload.error as string).length).toBeGreaterThan(0);
    const state = await exportState(t, failing, id);
    expect(state).toMatchObject({ status: 'failed', error: { code: failed.payload.code, message: failed.payload.error } });
    expect(socket.of('export:complete', id)).toEqual([]);
  });

  it('sends export:cancelled when a running export is cancelled', async () => {
    fixture.reset({ totals: { posts: 5_000, photos: 0 }, pageDelayMs: 100 });
    const id = await startExport(t, a, { format: 'json' });
    aJobs.push(id);
    await aSocket.next((event) => event.name === 'export:progress' && event.payload.jobId === id && (event.payload.processedItems as number) > 0);
    await a.pace();
    await request(t.url).post(`/api/export/${id}/cancel`).set(a.auth).expect(200);
    const cancelled = await aSocket.next((event) => event.name === 'export:cancelled' && event.payload.jobId === id);
    expect(cancelled.payload).toEqual({ jobId: id, platform: FIXTURE });
    await sleep(500);
    expect(aSocket.of('export:cancelled', id)).toHaveLength(1);
    expect(aSocket.of('export:complete', id)).toEqual([]);
  });

  it('gives a socket that connects mid-export where each active export stands, and tells it of a cancel while parked', async () => {
    // Both exports take a page, then wait out a long rate limit: no progress events meanwhile.
    fixture.reset({
      totals: { posts: 500, photos: 0 },
      faults: [{ collection: 'posts', page: 1, error: rateLimited(120), times: 2 }],
    });
    const ids = [await startExport(t, a, { format: 'json' }), await startExport(t, a, { format: 'csv' })];
    aJobs.push(...ids);
    const states = [];
    for (const id of ids) states.push(await waitFor(t, a, id, (state) => state.waitReason === 'rate_limited'));

    const late = track(openSocket(t, a.session.token));
    await late.connected();
    for (const [i, id] of ids.entries()) {
      const snapshot = await late.next((event) => event.name === 'export:progress' && event.payload.jobId === id, 5_000);
      expect(snapshot.payload).toEqual({
        jobId: id,
        platform: FIXTURE,
        progress: states[i].progress,
        processedItems: states[i].processedItems,
        totalItems: states[i].totalItems,
      });
    }
    expect(late.events.map((event) => event.payload.jobId).sort()).toEqual([...ids].sort());

    // Parked exports hold no worker: someone else's export still goes through meanwhile.
    const other = await connectedUser(t);
    const otherSocket = track(openSocket(t, other.session.token));
    await otherSocket.connected();
    fixture.reset({ totals: { posts: 10, photos: 0 } });
    const quick = await startExport(t, other, { format: 'json' });
    await otherSocket.next((event) => event.name === 'export:complete' && event.payload.jobId === quick, 20_000);
    for (const id of ids) expect((await exportState(t, a, id)).waitReason).toBe('rate_limited');
    expect(late.events).toHaveLength(ids.length);

    // Cancelling a parked export: no worker is running it, yet its owner must still hear of it.
    for (const id of ids) {
      await a.pace();
      await request(t.url).post(`/api/export/${id}/cancel`).set(a.auth).expect(200);
    }
    for (const id of ids) {
      const cancelled = await late.next((event) => event.name === 'export:cancelled' && event.payload.jobId === id, 10_000);
      expect(cancelled.payload).toEqual({ jobId: id, platform: FIXTURE });
      await aSocket.next((event) => event.name === 'export:cancelled' && event.payload.jobId === id, 10_000);
    }
  });

  it('disconnects a socket when its access token expires', async () => {
    const { jti } = jwtParts(a.session.token).payload as { jti: string };
    const token = accessToken(t, { sub: a.session.user.id, jti, exp: Math.floor(Date.now() / 1000) + 3 });
    const socket = track(openSocket(t, token));
    await socket.connected();
    expect(await socket.disconnected(20_000)).toBe('io server disconnect');
  });

  it(`caps a user's sockets at ${MAX_SOCKETS_PER_USER}, one by one or all at once`, async () => {
    const c = await connectedUser(t);
    const open: RecordingSocket[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER; i += 1) {
      const socket = track(openSocket(t, c.session.token));
      await socket.connected();
      open.push(socket);
    }
    const extra = track(openSocket(t, c.session.token));
    expect(await extra.refused()).toBe('TOO_MANY_CONNECTIONS');
    // Closing one frees a place.
    open[0].close();
    await sleep(300);
    const replacement = track(openSocket(t, c.session.token));
    await replacement.connected();
    for (const socket of [...open, replacement]) socket.close();

    // A burst of simultaneous handshakes must not slip past the cap either.
    const d = await connectedUser(t);
    const burst = Array.from({ length: MAX_SOCKETS_PER_USER + 5 }, () => track(openSocket(t, d.session.token)));
    const outcomes = await Promise.allSettled(burst.map((socket) => socket.connected()));
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    expect(accepted).toBe(MAX_SOCKETS_PER_USER);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(String(outcome.reason)).toContain('TOO_MANY_CONNECTIONS');
    }
    for (const socket of burst) socket.close();
    // Other users are not affected by C's and D's sockets.
    expect(aSocket.socket.connected).toBe(true);
  });

  it('disconnects a socket that sends a 1 MB message, and the server stays up', async () => {
    const flooder = track(openSocket(t, b.session.token));
    await flooder.connected();
    const gone = flooder.disconnected();
    flooder.socket.emit('subscribe', 'x'.repeat(1024 * 1024));
    expect(['transport close', 'transport error', 'io server disconnect']).toContain(await gone);
    await request(t.url).get('/api/health').expect(200);
    expect(bSocket.socket.connected).toBe(true);
  });

  it("gives B no event at all about A's exports, while B's own export reaches B", async () => {
    expect(aJobs.length).toBeGreaterThanOrEqual(4);
    expect(bSocket.socket.connected).toBe(true);
    expect(bSocket.events).toEqual([]);
    // B's socket was listening all along: its own export's events do arrive.
    fixture.reset({ totals: { posts: 10, photos: 0 } });
    const own = await startExport(t, b, { format: 'json' });
    await bSocket.next((event) => event.name === 'export:complete' && event.payload.jobId === own);
    await waitFor(t, b, own, finished);
    expect(bSocket.events.filter((event) => aJobs.includes(event.payload.jobId as string))).toEqual([]);
    expect(bSocket.events.every((event) => event.payload.jobId === own)).toBe(true);
  });
});
