import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

describe('General rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  // The catalogue is a public route under the general limit; /api/health is never limited (monitoring).
  it('answers the 101st general request within a minute with 429 and Retry-After', async () => {
    for (let i = 0; i < 100; i += 1) {
      const res = await request(t.url).get('/api/platforms');
      expect(res.status).toBe(200);
    }
    const limited = await request(t.url).get('/api/platforms').expect(429);
    expect(limited.body).toEqual({
      success: false,
      error: expect.stringMatching(/^Too many requests/),
      code: 'RATE_LIMIT_EXCEEDED',
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('does not trust X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const res = await request(t.url).get('/api/platforms').set('X-Forwarded-For', '203.0.113.77');
    expect(res.status).toBe(429);
  });
});
