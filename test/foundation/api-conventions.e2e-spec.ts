import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

describe('API conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ FRONTEND_URL: 'https://app.example.com' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves health in the spec shape', async () => {
    const res = await request(t.url).get('/api/health').expect(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        status: 'healthy',
        version: t.config.version,
        uptime: expect.any(Number),
        services: {
          database: 'connected',
          redis: t.config.redisUrl ? 'connected' : 'not configured',
          storage: 'available',
        },
      },
    });
  });
});
