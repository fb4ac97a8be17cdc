import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../../redis/redis.module';

const CHANNEL = 'star-export:sessions-ended';

/**
 * Tells every instance that sessions have ended (logout, refresh-token reuse, a Google link), so
 * that what each instance holds open for them, such as sockets, ends too. In memory in embedded
 * mode; over Redis pub/sub in server mode, like the export event bus. Everything that authenticates
 * later asks the database anyway; this only reaches what is already connected.
 */
@Injectable()
export class SessionEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionEvents.name);
  private readonly local = new EventEmitter();
  private subscriber?: Redis;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {
    this.local.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => this.deliver(JSON.parse(raw) as string[]));
    await this.subscriber
      .subscribe(CHANNEL)
      .catch((error: Error) => this.logger.warn(`Session event subscription failed: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.local.removeAllListeners();
  }

  /** Announces ended sessions (refresh-token family ids) to every instance, this one included. */
  async ended(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    if (!this.redis) {
      this.deliver(sessionIds);
      return;
    }
    await this.redis.publish(CHANNEL, JSON.stringify(sessionIds)).catch((error: Error) => {
      // Sockets still end at their token's expiry, and every new request is refused anyway.
      this.logger.warn(`Session end not published: ${error.message}`);
    });
  }

  onEnded(listener: (sessionIds: string[]) => void): void {
    this.local.on('ended', listener);
  }

  private deliver(sessionIds: unknown): void {
    if (Array.isArray(sessionIds)) this.local.emit('ended', sessionIds.filter((id) => typeof id === 'string'));
  }
}
