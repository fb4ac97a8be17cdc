import request from 'supertest';
import { newAddress, registerUser, uniqueEmail } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

/** A failed sign-in at an account of its own, so that only the per-address limit applies (see login-throttle). */
const wrongLogin = (): { email: string; password: string } => ({ email: uniqueEmail('nobody'), password: 'wrong password' });

const expectLimited = (res: request.Response): void => {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ success: false, code: 'RATE_LIMIT_EXCEEDED' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
};

/** The spec's auth limit: 5 requests per second per client, one counter across every auth route. */
describe('Auth rate limit', () => {
  describe('without TRUST_PROXY', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ TRUST_PROXY: undefined });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers the 6th login in a second with 429, however X-Forwarded-For rotates (rows 12, 38)', async () => {
      // Sent at once, so all six land in one window however slow the machine is.
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          request(t.url).post('/api/auth/login').set('X-Forwarded-For', newAddress()).send(wrongLogin()),
        ),
      );
      expect(attempts.filter((res) => res.status === 401)).toHaveLength(5);
      const limited = attempts.filter((res) => res.status === 429);
      expect(limited).toHaveLength(1);
      expectLimited(limited[0]);
      expect(limited[0].headers['cache-control']).toBe('no-store');
    });
  });

  describe('per client address (TRUST_PROXY=1)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ TRUST_PROXY: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    /** Five requests spread over other auth routes, then the route under test from the same address. */
    const sixthOn = async (send: (address: string) => request.Test): Promise<request.Response> => {
      const address = newAddress();
      await request(t.url).post('/api/auth/login').set('X-Forwarded-For', address).send(wrongLogin()).expect(401);
      await request(t.url).post('/api/auth/register').set('X-Forwarded-For', address).send({}).expect(400);
      await request(t.url).post('/api/auth/refresh').set('X-Forwarded-For', address).send({ refreshToken: 'x' }).expect(401);
      await request(t.url).post('/api/auth/logout').set('X-Forwarded-For', address).send({ refreshToken: 'x' }).expect(200);
      await request(t.url).post('/api/auth/google/link').set('X-Forwarded-For', address).expect(401);
      return send(address);
    };

    it('counts every auth route against one budget and limits each of them', async () => {
      const routes: ((address: string) => request.Test)[] = [
        (address) => request(t.url).post('/api/auth/login').set('X-Forwarded-For', address).send(wrongLogin()),
        (address) =>
          request(t.url)
            .post('/api/auth/register')
            .set('X-Forwarded-For', address)
            .send({ email: uniqueEmail(), password: 'long enough', name: 'N' }),
        (address) => request(t.url).post('/api/auth/refresh').set('X-Forwarded-For', address).send({ refreshToken: 'x' }),
        (address) => request(t.url).post('/api/auth/logout').set('X-Forwarded-For', address).send({ refreshToken: 'x' }),
        (address) => request(t.url).post('/api/auth/google/link').set('X-Forwarded-For', address),
      ];
      for (const route of routes) expectLimited(await sixthOn(route));
    });

    it("keeps Google sign-in's start and callback, where a browser is sent, under the general limit", async () => {
      // After five auth requests in the second, the browser's next stops still answer for themselves.
      expect((await sixthOn((address) => request(t.url).get('/api/auth/google').set('X-Forwarded-For', address))).status).toBe(503);
      const callback = await sixthOn((address) => request(t.url).get('/api/auth/google/callback?code=c&state=s').set('X-Forwarded-For', address));
      expect(callback.status).toBe(503);
    });

    it('limits a signed-in user per account, whatever the address', async () => {
      const { session } = await registerUser(t);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await request(t.url)
          .get('/api/auth/me')
          .set('X-Forwarded-For', newAddress())
          .set('Authorization', `Bearer ${session.token}`);
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('does not apply the auth limit to general routes', async () => {
      const address = newAddress();
      for (let i = 0; i < 8; i += 1) await request(t.url).get('/api/health').set('X-Forwarded-For', address).expect(200);
    });
  });
});
