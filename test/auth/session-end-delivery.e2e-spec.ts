import { Redis } from 'ioredis';
import { SESSIONS_ENDED_CHANNEL, SESSIONS_HEARD_CHANNEL, SessionEvents } from '../../apps/api/src/modules/auth/tokens/session-events';
import { serverMode } from '../support/test-app';

/**
 * A logout's answer must not reach the client before every instance has stopped taking the
 * session's access token: the client's next request may go to any of them. Here the other instances
 * are plain Redis connections speaking the instances' protocol, so one can be slow or silent at will.
 */
(serverMode() ? describe : describe.skip)('Announcing the end of a session to the other instances', () => {
  const url = process.env.REDIS_URL as string;
  const connections: Redis[] = [];
  let events: SessionEvents;

  const connect = (): Redis => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  /**
   * Another instance: it hears each announcement, and says so after `answerAfterMs` (never when null).
   * Disconnected by its test, so that it answers no other test's announcement.
   */
  const otherInstance = async (answerAfterMs: number | null, heard: string[]): Promise<Redis> => {
    const subscriber = connect();
    const answers = connect();
    subscriber.on('message', (_channel: string, raw: string) => {
      const { id, sessionIds } = JSON.parse(raw) as { id: string; sessionIds: string[] };
      if (answerAfterMs === null) return;
      setTimeout(() => {
        heard.push(...sessionIds);
        void answers.publish(SESSIONS_HEARD_CHANNEL, id);
      }, answerAfterMs);
    });
    await subscriber.subscribe(SESSIONS_ENDED_CHANNEL);
    return subscriber;
  };

  beforeAll(async () => {
    events = new SessionEvents(connect());
    await events.onModuleInit();
  });
  afterAll(async () => {
    await events.onApplicationShutdown();
    for (const redis of connections) redis.disconnect();
  });

  it('is told done only once an instance slow to take it in has done so', async () => {
    const heard: string[] = [];
    const other = await otherInstance(300, heard);
    await events.ended(['family-slow']);
    other.disconnect();
    expect(heard).toEqual(['family-slow']);
  });

  it('answers for this instance once it has taken in an announcement from another', async () => {
    const ended: string[][] = [];
    events.onEnded((ids) => ended.push(ids));
    const answers = connect();
    const answered = new Promise<string>((resolve) => answers.on('message', (_channel: string, id: string) => resolve(id)));
    await answers.subscribe(SESSIONS_HEARD_CHANNEL);
    await connect().publish(SESSIONS_ENDED_CHANNEL, JSON.stringify({ id: 'announcement-1', sessionIds: ['family-elsewhere'] }));
    expect(await answered).toBe('announcement-1');
    expect(ended).toContainEqual(['family-elsewhere']);
  });

  it('is told done even when an instance that received it never answers (it died)', async () => {
    const other = await otherInstance(null, []);
    await expect(events.ended(['family-silent'])).resolves.toBeUndefined();
    other.disconnect();
  });
});
