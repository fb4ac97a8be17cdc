import type { AuthRefreshAck } from '@app/contracts';
import { jwtParts, registerUser } from '../support/auth-helpers';
import { sleep } from '../support/pacing';
import { TestApp, startTestApp } from '../support/test-app';
import { RecordingSocket, accessToken, openSocket } from '../export/export-support';

/**
 * A socket outlives its access token when the client answers `auth:expiring` with `auth:refresh`
 * and a new token, without reconnecting; a token of someone else, or none, changes nothing.
 */
describe('Socket re-authentication', () => {
  let t: TestApp;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });

  it('warns before the token expires and keeps the socket open past it after auth:refresh', async () => {
    const { session } = await registerUser(t);
    const other = await registerUser(t);
    const { jti } = jwtParts(session.token).payload as { jti: string };
    const exp = Math.floor(Date.now() / 1000) + 4;
    const socket = openSocket(t, accessToken(t, { sub: session.user.id, jti, exp }));
    sockets.push(socket);
    await socket.connected();

    const warning = await socket.next((event) => event.name === 'auth:expiring', 10_000);
    expect(warning.payload).toEqual({ expiresAt: new Date(exp * 1000).toISOString() });

    const refuse = async (body: unknown): Promise<AuthRefreshAck> =>
      (await socket.socket.timeout(5_000).emitWithAck('auth:refresh', body)) as AuthRefreshAck;
    expect(await refuse({})).toEqual({ ok: false, code: 'AUTH_REQUIRED' });
    expect(await refuse({ token: other.session.token })).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(await refuse({ token: `${session.token}x` })).toEqual({ ok: false, code: 'INVALID_TOKEN' });

    const ack = await refuse({ token: session.token });
    const newExpiry = (jwtParts(session.token).payload as { exp: number }).exp;
    expect(ack).toEqual({ ok: true, expiresAt: new Date(newExpiry * 1000).toISOString() });

    // Well past the first token's expiry, the socket is still there.
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 2_000);
    expect(socket.socket.connected).toBe(true);
  }, 30_000);

  it('still disconnects a socket whose client does not refresh', async () => {
    const { session } = await registerUser(t);
    const { jti } = jwtParts(session.token).payload as { jti: string };
    const socket = openSocket(t, accessToken(t, { sub: session.user.id, jti, exp: Math.floor(Date.now() / 1000) + 3 }));
    sockets.push(socket);
    await socket.connected();
    await socket.next((event) => event.name === 'auth:expiring', 10_000);
    expect(await socket.disconnected(20_000)).toBe('io server disconnect');
  }, 30_000);
});
