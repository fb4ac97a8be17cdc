import request from 'supertest';
import { ScratchRedis } from '../support/redis-server';
import { TestApp, serverMode, startTestApp } from '../support/test-app';

const eventually = async (check: () => Promise<void>, attempts = 60): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await check();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
};

// Server mode only: embedded mode has no Redis to lose.
(serverMode() ? describe : describe.skip)('Health while Redis goes away and comes back', () => {
  let redis: ScratchRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('answers 503 degraded with redis disconnected, then healthy again', async () => {
    await request(t.url).get('/api/health').expect(200);

    await redis.stop();
    await eventually(async () => {
      const res = await request(t.url).get('/api/health');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        success: false,
        code: 'SERVICE_UNAVAILABLE',
        error: 'Service degraded: redis disconnected',
        data: { status: 'degraded', services: { database: 'connected', redis: 'disconnected', storage: 'available' } },
      });
    });

    await redis.restart();
    await eventually(async () => {
      const res = await request(t.url).get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body.data.services.redis).toBe('connected');
    });
  });
});
