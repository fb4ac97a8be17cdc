import { Redis } from 'ioredis';
import type { LiveSession } from './refresh-tokens';
import { SessionCache } from './session-cache';
import { SessionEvents } from './session-events';

const session = (sessionId: string, userId = 'u1'): LiveSession => ({
  user: { id: userId, email: `${userId}@example.com`, name: userId },
  sessionId,
});

/** What each instance believes between database reads, in memory (embedded) and over Redis (server). */
describe('SessionCache', () => {
  describe('embedded, in-process bus', () => {
    const events = new SessionEvents(null);
    const cache = new SessionCache(events);

    it('answers a remembered session for its own user only, until that session ends', async () => {
      cache.remember('t1', session('f1'), cache.generation());
      expect(cache.get('t1', 'u1')).toEqual(session('f1'));
      expect(cache.get('t1', 'someone-else')).toBeUndefined();
      await events.ended(['f1']);
      expect(cache.get('t1', 'u1')).toBeUndefined();
    });

    it('does not remember an answer read while a session end was announced', async () => {
      const generation = cache.generation();
      await events.ended(['f2']);
      cache.remember('t2', session('f2'), generation);
      expect(cache.get('t2', 'u1')).toBeUndefined();
    });
  });

  const redisUrl = process.env.REDIS_URL;
  (redisUrl ? describe : describe.skip)('server, over Redis', () => {
    let redis: Redis;
    let events: SessionEvents;
    let cache: SessionCache;

    beforeAll(async () => {
      redis = new Redis(redisUrl as string, { maxRetriesPerRequest: 1 });
      events = new SessionEvents(redis);
      await events.onModuleInit();
      cache = new SessionCache(events);
    });
    afterAll(async () => {
      await events.onApplicationShutdown();
      redis.disconnect();
    });

    it('forgets everything, and remembers nothing, while the subscription is down', async () => {
      cache.remember('t3', session('f3'), cache.generation());
      expect(cache.get('t3', 'u1')).toEqual(session('f3'));
      await events.onApplicationShutdown();
      expect(cache.get('t3', 'u1')).toBeUndefined();
      cache.remember('t4', session('f4'), cache.generation());
      expect(cache.get('t4', 'u1')).toBeUndefined();
    });
  });
});
