import { createHash } from 'node:crypto';
import request from 'supertest';
import { Session, database, newAddress, registerUser } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

interface Pair {
  token: string;
  refreshToken: string;
}

/** Rotation with reuse detection (reliability-security.md §2), rows 16–17 of the bad-input matrix. */
describe('Refresh tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: object) => request(t.url).post(path).set('X-Forwarded-For', newAddress()).send(body);
  const refresh = (refreshToken: string) => post('/api/auth/refresh', { refreshToken });
  const rotate = async (refreshToken: string): Promise<Pair> => (await refresh(refreshToken).expect(200)).body.data;
  const expectRefused = async (refreshToken: string): Promise<void> => {
    const res = await refresh(refreshToken);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: 'Invalid or expired token', code: 'INVALID_TOKEN' });
  };
  const me = (token: string) => request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const idOf = (refreshToken: string): string => refreshToken.split('.')[0];
  const newSession = async (): Promise<Session> => (await registerUser(t)).session;
  /** Moves the moment a token was used back in time, instead of waiting for the grace period to pass. */
  const usedSecondsAgo = (refreshToken: string, seconds: number): Promise<unknown> =>
    database(t).query(`UPDATE refresh_tokens SET used_at = now() - $2::int * interval '1 second' WHERE id = $1`, [
      idOf(refreshToken),
      seconds,
    ]);

  it('rotates: a new pair in the spec shape, and the new access token works', async () => {
    const session = await newSession();
    const res = await refresh(session.refreshToken).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ success: true, data: { token: expect.any(String), refreshToken: expect.any(String) } });
    expect(res.body.data.refreshToken).not.toBe(session.refreshToken);
    expect(res.body.data.token).not.toBe(session.token);
    await me(res.body.data.token).expect(200);
    await rotate(res.body.data.refreshToken);
  });

  it('stores only a sha256 of the secret', async () => {
    const session = await newSession();
    const [id, secret] = session.refreshToken.split('.');
    const rows: { secret_hash: Buffer }[] = await database(t).query('SELECT * FROM refresh_tokens WHERE id = $1', [id]);
    expect(rows[0].secret_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(JSON.stringify(rows[0])).not.toContain(secret);
  });

  it('gives two concurrent refreshes with one token the same new pair', async () => {
    const session = await newSession();
    const [first, second] = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.data).toEqual(first.body.data);
    await rotate(first.body.data.refreshToken);
  });

  it('hands the same successor out again within the 10 s grace period', async () => {
    const session = await newSession();
    const next = await rotate(session.refreshToken);
    expect(await rotate(session.refreshToken)).toEqual(next);
  });

  it('revokes the whole family when a retired token comes back after the grace period (row 17)', async () => {
    const session = await newSession();
    const next = await rotate(session.refreshToken);
    await usedSecondsAgo(session.refreshToken, 11);
    await expectRefused(session.refreshToken);
    await expectRefused(next.refreshToken);
    await me(next.token).expect(401);
  });

  it('revokes the family when a token comes back within grace but is no longer the newest', async () => {
    const session = await newSession();
    const second = await rotate(session.refreshToken);
    const third = await rotate(second.refreshToken);
    await expectRefused(session.refreshToken);
    await expectRefused(third.refreshToken);
  });

  it('refuses a tampered secret without burning the genuine token', async () => {
    const session = await newSession();
    const [id, secret] = session.refreshToken.split('.');
    const tampered = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    await expectRefused(tampered);
    await expectRefused(`${id}.${'A'.repeat(43)}`);
    await rotate(session.refreshToken);
  });

  it('refuses an expired family, and rotation never extends the expiry', async () => {
    const session = await newSession();
    const next = await rotate(session.refreshToken);
    const rows: { expires_at: Date }[] = await database(t).query(
      'SELECT expires_at FROM refresh_tokens WHERE id = ANY($1) ORDER BY created_at',
      [[idOf(session.refreshToken), idOf(next.refreshToken)]],
    );
    expect(rows).toHaveLength(2);
    expect(rows[1].expires_at.getTime()).toBe(rows[0].expires_at.getTime());
    const expectedTtl = t.config.jwt.refreshTtlSeconds * 1000;
    expect(Math.abs(rows[0].expires_at.getTime() - Date.now() - expectedTtl)).toBeLessThan(60_000);

    await database(t).query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE family_id = $1`, [
      idOf(session.refreshToken),
    ]);
    await expectRefused(next.refreshToken);
  });

  it('refuses an access token, garbage and unknown tokens with 401, and a missing one with 400 (row 16)', async () => {
    const session = await newSession();
    await expectRefused(session.token);
    await expectRefused('not a token');
    await expectRefused(`00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`);
    for (const body of [{}, { refreshToken: 42 }, { refreshToken: '' }]) {
      const res = await post('/api/auth/refresh', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_FORMAT');
    }
  });

  it('logs out by revoking the family; logout is idempotent', async () => {
    const session = await newSession();
    const next = await rotate(session.refreshToken);
    const res = await post('/api/auth/logout', { refreshToken: session.refreshToken }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ success: true, message: 'Logged out successfully' });
    await expectRefused(next.refreshToken);
    await me(next.token).expect(401);
    await post('/api/auth/logout', { refreshToken: next.refreshToken }).expect(200);
    await post('/api/auth/logout', { refreshToken: 'unknown' }).expect(200);
    await post('/api/auth/logout', {}).expect(400);
  });
});
