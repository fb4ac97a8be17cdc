import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../../redis/redis.module';

const CHANNEL = 'star-export:sessions-ended';

/**
 * Tells every instance that sessions have ended (logout, refresh-token reuse, a Google link), so
 * that what each instance holds open for them, such as sockets, and what it remembers of them
 * (SessionCache), ends too. In memory in embedded mode; over Redis pub/sub in server mode, like the
 * export event bus.
 */
@Injectable()
export class SessionEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionEvents.name);
  private readonly local = new EventEmitter();
  private subscriber?: Redis;
  private subscribed = false;
  private ends = 0;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {
    this.local.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => this.deliver(JSON.parse(raw) as string[]));
    // Whatever is announced while the connection is down is lost: until the subscription is
    // confirmed again, this instance counts as not hearing (SessionCache then asks the database).
    this.subscriber.on('close', () => this.lose());
    this.subscriber.on('ready', () => void this.subscribe());
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber?.subscribe(CHANNEL);
      if (this.subscriber?.status === 'ready') this.subscribed = true;
    } catch (error) {
      this.logger.warn(`Session event subscription failed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.lose();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.local.removeAllListeners();
  }

  /**
   * Announces ended sessions (refresh-token family ids) to every instance, this one included. This
   * instance hears it at once, before the Redis round trip, so its next request already knows.
   */
  async ended(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    this.deliver(sessionIds);
    if (!this.redis) return;
    await this.redis.publish(CHANNEL, JSON.stringify(sessionIds)).catch((error: Error) => {
      // Sockets still end at their token's expiry, and every new request is refused anyway.
      this.logger.warn(`Session end not published: ${error.message}`);
    });
  }

  onEnded(listener: (sessionIds: string[]) => void): void {
    this.local.on('ended', listener);
  }

  /** Called whenever announcements from other instances may have been missed. */
  onDeliveryLost(listener: () => void): void {
    this.local.on('lost', listener);
  }

  /** Whether every end announced anywhere reaches this instance: always in embedded mode. */
  delivering(): boolean {
    return !this.redis || this.subscribed;
  }

  /** Moves on with every end heard and every loss of delivery. */
  generation(): number {
    return this.ends;
  }

  private lose(): void {
    this.subscribed = false;
    this.ends += 1;
    this.local.emit('lost');
  }

  private deliver(sessionIds: unknown): void {
    if (!Array.isArray(sessionIds)) return;
    this.ends += 1;
    this.local.emit('ended', sessionIds.filter((id) => typeof id === 'string'));
  }
}
