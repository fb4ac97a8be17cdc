import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

/** Monitoring polls /api/health as often as it likes; that neither gets it refused nor spends the caller's API budget. */
describe('Health checks and the rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers 120 health checks a minute from one address, and the address keeps its budget', async () => {
    const address = '10.13.5.1';
    for (let i = 0; i < 120; i += 1) {
      const res = await request(t.url).get('/api/health').set('X-Forwarded-For', address);
      expect(res.status).not.toBe(429);
    }
    const platforms = await request(t.url).get('/api/platforms').set('X-Forwarded-For', address);
    expect(platforms.status).toBe(200);
  });
});
