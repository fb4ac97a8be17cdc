import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../../redis/redis.module';

export const SESSIONS_ENDED_CHANNEL = 'star-export:sessions-ended';
/** Where each instance says it has heard an announcement: its id, once its listeners have run. */
export const SESSIONS_HEARD_CHANNEL = 'star-export:sessions-ended:heard';
/** How long an announcement waits for an instance that received it and then went silent (it died). */
const HEARD_TIMEOUT_MS = 2_000;

/** What goes over Redis: the ended sessions, and an id the instances that heard it answer with. */
interface Announcement {
  id: string;
  sessionIds: string[];
}

/** An announcement of this instance still waiting: how many instances received it, how many said so. */
interface PendingAnnouncement {
  heard: number;
  receivers: number;
  /** Ends the wait: every receiver answered, or HEARD_TIMEOUT_MS passed. */
  settle: () => void;
}

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
  private readonly pending = new Map<string, PendingAnnouncement>();

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {
    this.local.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, raw: string) => (channel === SESSIONS_HEARD_CHANNEL ? this.heard(raw) : this.receive(raw)));
    // Whatever is announced while the connection is down is lost: until the subscription is
    // confirmed again, this instance counts as not hearing (SessionCache then asks the database).
    this.subscriber.on('close', () => this.lose());
    this.subscriber.on('ready', () => void this.subscribe());
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber?.subscribe(SESSIONS_ENDED_CHANNEL, SESSIONS_HEARD_CHANNEL);
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
   * Resolves once every instance that received it has said so, so that a logout answers only when
   * no instance still takes the session's access token (a client's next request may reach any of
   * them); an instance that received it and died is waited for HEARD_TIMEOUT_MS at most.
   */
  async ended(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    this.deliver(sessionIds);
    if (!this.redis) return;
    const announcement: Announcement = { id: randomUUID(), sessionIds };
    // Registered before publishing: an answer may arrive before PUBLISH's own reply.
    const pending: PendingAnnouncement = { heard: 0, receivers: Number.POSITIVE_INFINITY, settle: () => undefined };
    const settled = new Promise<void>((resolve) => (pending.settle = resolve));
    this.pending.set(announcement.id, pending);
    try {
      pending.receivers = await this.redis.publish(SESSIONS_ENDED_CHANNEL, JSON.stringify(announcement));
      // Answers travel on this instance's subscription: without it, none can be heard.
      if (!this.subscribed || pending.heard >= pending.receivers) return;
      const timer = setTimeout(pending.settle, HEARD_TIMEOUT_MS);
      await settled;
      clearTimeout(timer);
    } catch (error) {
      // Sockets still end at their token's expiry, and every new request is refused anyway.
      this.logger.warn(`Session end not published: ${(error as Error).message}`);
    } finally {
      this.pending.delete(announcement.id);
    }
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

  private receive(raw: string): void {
    let announcement: Partial<Announcement> | string[];
    try {
      announcement = JSON.parse(raw) as Partial<Announcement> | string[];
    } catch {
      return;
    }
    // A bare list is how an instance of an earlier release announces, during a rolling upgrade.
    if (Array.isArray(announcement)) return this.deliver(announcement);
    this.deliver(announcement.sessionIds);
    if (typeof announcement.id === 'string') {
      this.redis?.publish(SESSIONS_HEARD_CHANNEL, announcement.id).catch(() => undefined);
    }
  }

  private heard(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.heard += 1;
    if (pending.heard >= pending.receivers) pending.settle();
  }

  private deliver(sessionIds: unknown): void {
    if (!Array.isArray(sessionIds)) return;
    this.ends += 1;
    this.local.emit('ended', sessionIds.filter((id) => typeof id === 'string'));
  }
}
