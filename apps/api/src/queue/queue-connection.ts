import { createPostgresBackend, createRedisBackend, setDefaultBackendFactory } from 'bullmq';
import type { QueueOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import type { PostgresEndpoint } from '../database/postgres-endpoint';
import { redisOptionsFromUrl } from '../redis/redis-options';

export const QUEUE_PREFIX = 'star-export';

/**
 * NOTIFY does not cross pglite-socket connections, so an embedded worker finds new jobs only by
 * polling each time its blocking wait ends (drainDelay). BullMQ's PostgreSQL backend, though, waits
 * until the next delayed job is due whenever there is one, for up to an hour: a single parked export
 * (spent quota, a long rate limit) would hold every new export in the queue that long. Capping the
 * wait keeps embedded pickup at about a second.
 */
const EMBEDDED_MAX_BLOCK_SECONDS = 1;

/** Per queue name, how to end the waits of this process's workers that are blocked right now. */
const localWaits = new Map<string, Set<() => void>>();

/**
 * Tells this process's idle workers of a queue that a job was just added, so that an embedded
 * process which enqueues and works does not wait for the next poll. Workers elsewhere still find
 * the job by polling; with Redis (or a PostgreSQL server's NOTIFY) nothing needs doing.
 */
export function wakeLocalWorkers(queueName: string): void {
  for (const wake of localWaits.get(queueName) ?? []) wake();
}

/**
 * A worker names its LISTEN connection once it is first ready, opening that connection to do so.
 * When the app closed before that, BullMQ opened it after close had ended the others, and nothing
 * ended it: on every shutdown the embedded server then waited out its grace period for it. Once
 * the connection is closing, no LISTEN connection is opened (the naming is best-effort in BullMQ).
 */
const closablePostgresBackend: typeof createPostgresBackend = (name, opts, factoryOpts) => {
  const backend = createPostgresBackend(name, opts, factoryOpts);
  const { connection } = backend;
  const getListenClient = connection.getListenClient.bind(connection);
  connection.getListenClient = () =>
    connection.isClosing ? Promise.reject(new Error('the queue connection is closing')) : getListenClient();
  return backend;
};

const pollingPostgresBackend: typeof createPostgresBackend = (name, opts, factoryOpts) => {
  const backend = closablePostgresBackend(name, opts, factoryOpts);
  Object.defineProperty(backend, 'maximumBlockTimeout', { value: EMBEDDED_MAX_BLOCK_SECONDS });
  const waitForJob = backend.waitForJob.bind(backend);
  backend.waitForJob = async (blockTimeout) => {
    const waits = localWaits.get(name) ?? new Set<() => void>();
    localWaits.set(name, waits);
    let wake = (): void => undefined;
    const woken = new Promise<'woken'>((resolve) => (wake = () => resolve('woken')));
    waits.add(wake);
    try {
      const outcome = await Promise.race([waitForJob(blockTimeout), woken]);
      if (outcome !== 'woken') return outcome;
      // Ends the backend's own wait (its timer and NOTIFY listener); score 0 means "look now".
      (backend as unknown as { cancelWait?: () => void }).cancelWait?.();
      return { member: name, score: 0 };
    } finally {
      waits.delete(wake);
    }
  };
  return backend;
};

/**
 * Without an offline queue, ioredis refuses QUIT while it waits to reconnect instead of dropping the
 * connection. BullMQ's close then fails and leaves the retry timer armed: the client retries for
 * good and keeps the process alive after shutdown. Such a connection is disconnected instead, as the
 * shared client is (redis.module.ts).
 */
const disconnectingRedisBackend: typeof createRedisBackend = (name, opts, factoryOpts) => {
  const backend = createRedisBackend(name, opts, factoryOpts);
  const close = backend.close.bind(backend);
  backend.close = (force?: boolean): Promise<void> =>
    close(force).catch(() => {
      for (const client of [backend.client, backend.blockingClient]) {
        // Not awaited: a connection that never became ready may stay pending for good, and close
        // has disconnected that one already.
        void client?.then(
          (ready) => ready.disconnect(),
          () => undefined,
        );
      }
    });
  return backend;
};

/**
 * Whether the queue lives in this process's own embedded database: then no other process can reach
 * it, so no other worker can be running its jobs.
 */
export function queueInEmbeddedDatabase(config: AppConfig, endpoint: PostgresEndpoint): boolean {
  return !config.redisUrl && endpoint.embedded;
}

/**
 * BullMQ runs on Redis when REDIS_URL is set, otherwise on PostgreSQL (the embedded database or
 * DATABASE_URL). The backend factory is process-wide in BullMQ and is read when a Queue or Worker is
 * constructed, so it is chosen here, before @nestjs/bullmq builds any of them.
 */
export function queueOptions(config: AppConfig, endpoint: PostgresEndpoint): QueueOptions {
  if (config.redisUrl) {
    setDefaultBackendFactory(disconnectingRedisBackend);
    return {
      prefix: QUEUE_PREFIX,
      // The producer must fail fast while Redis is down (the export row stays queued and the
      // reconciler enqueues it later) instead of buffering commands in memory.
      connection: { ...redisOptionsFromUrl(config.redisUrl), enableOfflineQueue: false },
    };
  }
  setDefaultBackendFactory(queueInEmbeddedDatabase(config, endpoint) ? pollingPostgresBackend : closablePostgresBackend);
  return {
    prefix: QUEUE_PREFIX,
    connection: {
      ...endpoint.pool,
      max: 2,
      migrate: true,
      // The embedded server ignores the search_path startup option that BullMQ sets for its own schema.
      schema: endpoint.embedded ? 'public' : 'bullmq',
    },
  };
}
