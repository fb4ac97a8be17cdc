import { createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import type { QueueOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import type { PostgresEndpoint } from '../database/postgres-endpoint';
import { redisOptionsFromUrl } from '../redis/redis-options';

export const QUEUE_PREFIX = 'star-export';

/**
 * BullMQ runs on Redis when REDIS_URL is set, otherwise on PostgreSQL (the embedded database or
 * DATABASE_URL). The backend factory is process-wide in BullMQ and is read when a Queue or Worker is
 * constructed, so it is chosen here, before @nestjs/bullmq builds any of them.
 */
export function queueOptions(config: AppConfig, endpoint: PostgresEndpoint): QueueOptions {
  if (config.redisUrl) {
    setDefaultBackendFactory();
    return {
      prefix: QUEUE_PREFIX,
      // The producer must fail fast while Redis is down (the export row stays queued and the
      // reconciler enqueues it later) instead of buffering commands in memory.
      connection: { ...redisOptionsFromUrl(config.redisUrl), enableOfflineQueue: false },
    };
  }
  setDefaultBackendFactory(createPostgresBackend);
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
