import request from 'supertest';
import { newAddress } from '../support/auth-helpers';
import { sleep } from '../support/pacing';
import type { Session } from '../support/auth-helpers';
import { completed, startExport } from '../support/export-client';
import type { ExportUser } from '../support/export-client';
import { FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, serverMode, startTestApp } from '../support/test-app';
import { RecordingSocket, connectedUser, openSocket, sharedDeployment } from '../export/export-support';

/**
 * What a session holds open ends with it: its sockets are disconnected and the download links made
 * in it stop working, on every instance. Server mode runs two API instances on one PostgreSQL and
 * one Redis, with the session ended on the first; embedded mode is one process.
 */
describe('Ending a session', () => {
  const fixture = new FixtureAdapter();
  let close: () => Promise<void>;
  let first: TestApp;
  let second: TestApp;
  let owner: ExportUser & { email: string; password: string };
  let exportId: string;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    if (serverMode()) {
      const deployment = await sharedDeployment([fixture]);
      close = () => deployment.close();
      first = await deployment.start('all');
      second = await deployment.start('api');
    } else {
      const app = await startTestApp({ TRUST_PROXY: '1' }, [fixture]);
      close = () => app.close();
      first = app;
      second = app;
    }
    owner = await connectedUser(first);
    fixture.reset({ totals: { posts: 5, photos: 0 } });
    exportId = await startExport(first, owner, { format: 'json' });
    await completed(first, owner, exportId);
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await close?.();
  });

  const socketOn = async (t: TestApp, token: string): Promise<RecordingSocket> => {
    const socket = openSocket(t, token);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const login = async (t: TestApp): Promise<Session> => {
    const res = await request(t.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', newAddress())
      .send({ email: owner.email, password: owner.password })
      .expect(200);
    return (res.body as { data: Session }).data;
  };
  const downloadLink = async (t: TestApp, session: Session): Promise<string> => {
    await owner.pace();
    const res = await request(t.url)
      .post(`/api/export/${exportId}/download-link`)
      .set('Authorization', `Bearer ${session.token}`)
      .expect(201);
    return (res.body as { data: { url: string } }).data.url;
  };
  const follow = (t: TestApp, link: string): request.Test =>
    request(t.url).get(link).set('X-Forwarded-For', newAddress());

  it('disconnects its sockets and refuses its download links on every instance after logout, and nothing of other sessions', async () => {
    const ending = await login(first);
    const staying = await login(second);
    const endingSockets = [await socketOn(first, ending.token), await socketOn(second, ending.token)];
    const stayingSocket = await socketOn(second, staying.token);
    const endingLink = await downloadLink(first, ending);
    const stayingLink = await downloadLink(second, staying);
    // Both links work on both instances while their sessions last.
    await follow(second, endingLink).expect(200);
    await follow(first, stayingLink).expect(200);

    const drops = endingSockets.map((socket) => socket.disconnected());
    await request(first.url)
      .post('/api/auth/logout')
      .set('X-Forwarded-For', newAddress())
      .send({ refreshToken: ending.refreshToken })
      .expect(200);

    expect(await Promise.all(drops)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const t of [first, second]) {
      const refused = await follow(t, endingLink);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    }
    // The other session of the same account goes on.
    expect(stayingSocket.socket.connected).toBe(true);
    await follow(second, stayingLink).expect(200);
  });

  it('refuses its access token on every instance right after logout, although each had just accepted it', async () => {
    const ending = await login(first);
    const me = (t: TestApp): request.Test =>
      request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${ending.token}`).set('X-Forwarded-For', newAddress());
    for (const t of [first, second, first, second]) await me(t).expect(200);

    await request(first.url)
      .post('/api/auth/logout')
      .set('X-Forwarded-For', newAddress())
      .send({ refreshToken: ending.refreshToken })
      .expect(200);

    for (const t of [second, first]) {
      const refused = await me(t);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    }
  });

  it('ends them too when the session is revoked because a refresh token was used twice', async () => {
    const stolen = await login(second);
    const socket = await socketOn(first, stolen.token);
    const link = await downloadLink(second, stolen);
    const drop = socket.disconnected(30_000);
    const refresh = (refreshToken: string): request.Test =>
      request(second.url).post('/api/auth/refresh').set('X-Forwarded-For', newAddress()).send({ refreshToken });
    await refresh(stolen.refreshToken).expect(200);
    // Past the 10 s in which a retried refresh still gets the same answer, a reuse revokes the session.
    await sleep(11_000);
    await refresh(stolen.refreshToken).expect(401);

    expect(await drop).toBe('io server disconnect');
    const refused = await follow(first, link);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
  }, 60_000);
});
