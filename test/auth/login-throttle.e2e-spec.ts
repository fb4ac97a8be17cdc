import request from 'supertest';
import { newAddress, registerUser } from '../support/auth-helpers';
import { sleep } from '../support/pacing';
import { TestApp, startTestApp } from '../support/test-app';

const limitedBody = { success: false, code: 'RATE_LIMIT_EXCEEDED' };

/**
 * Limits on top of the per-address auth limit (rate-limit.e2e-spec.ts): password attempts per
 * account, whatever addresses they come from, and refused bearer tokens per address. Counters are
 * Redis's in server mode, memory's in embedded mode.
 */
describe('Login and token throttling', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (email: string, password: string, address = newAddress()): request.Test =>
    request(t.url).post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });

  it('answers 429 to a burst of wrong passwords for one account from many addresses, and lets the right one in after the delay', async () => {
    const victim = await registerUser(t);
    const bystander = await registerUser(t);
    const addresses = Array.from({ length: 10 }, () => newAddress());
    // 20 attempts within one second, 2 per address: each address stays under its own limit.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(victim.email, `wrong password ${i}`, addresses[i % 10])),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    const limited = answers.filter((res) => res.status === 429);
    // 5 free attempts, then one per doubling delay (1 s, 2 s, 4 s, …): most of the burst waits,
    // however long the machine takes to send it.
    expect(limited.length).toBeGreaterThanOrEqual(10);
    const waits = limited.map((res) => {
      expect(res.body).toMatchObject(limitedBody);
      return Number(res.headers['retry-after']);
    });
    // The delay grows but is capped: the owner is slowed down, not locked out.
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(120);
    }

    // Other accounts are not affected, and neither is the right password once the delay has passed.
    await login(bystander.email, bystander.password).expect(200);
    let attempt = await login(victim.email, victim.password);
    for (let i = 0; i < 3 && attempt.status === 429; i += 1) {
      const wait = Number(attempt.headers['retry-after']);
      expect(wait).toBeLessThanOrEqual(120);
      await sleep(wait * 1000);
      attempt = await login(victim.email, victim.password);
    }
    expect(attempt.status).toBe(200);
    expect(attempt.body.data.user.id).toBe(victim.session.user.id);
  }, 300_000);

  it('counts refused bearer tokens against their address: a flood of them gets 429', async () => {
    const address = newAddress();
    const flood = async (): Promise<request.Response> =>
      request(t.url).get('/api/export').set('X-Forwarded-For', address).set('Authorization', 'Bearer a.b.c');
    const first = await flood();
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    const statuses = [first.status];
    let limited: request.Response | undefined;
    for (let i = 1; i < 200 && !limited; i += 1) {
      const res = await flood();
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited?.body).toMatchObject(limitedBody);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    // Requests without any token count the same way, and another address is not affected.
    const bare = await request(t.url).get('/api/export').set('X-Forwarded-For', address);
    expect(bare.status).toBe(429);
    const elsewhere = await request(t.url).get('/api/export').set('X-Forwarded-For', newAddress()).set('Authorization', 'Bearer a.b.c');
    expect(elsewhere.status).toBe(401);
  });
});
