import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../../redis/redis.module';
import type { CancelRequest, UserEvent } from './export-events';

const CHANNEL = 'star-export:export-events';

type BusMessage = { type: 'user-event'; event: UserEvent } | { type: 'cancel'; request: CancelRequest };

/**
 * Carries export events from the workers to every instance's socket gateway, and cancel requests
 * from the API to whichever worker runs the export. In memory in embedded mode; over Redis pub/sub
 * in server mode, so API and worker instances act as one. Workers never touch sockets.
 */
@Injectable()
export class ExportEventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExportEventBus.name);
  private readonly local = new EventEmitter();
  private subscriber?: Redis;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {
    this.local.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => this.deliver(JSON.parse(raw) as BusMessage));
    await this.subscriber.subscribe(CHANNEL).catch((error: Error) => this.logger.warn(`Event subscription failed: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.local.removeAllListeners();
  }

  publish(event: UserEvent): void {
    this.send({ type: 'user-event', event });
  }

  requestCancel(request: CancelRequest): void {
    this.send({ type: 'cancel', request });
  }

  onUserEvent(listener: (event: UserEvent) => void): void {
    this.local.on('user-event', listener);
  }

  onCancelRequest(listener: (request: CancelRequest) => void): void {
    this.local.on('cancel', listener);
  }

  private send(message: BusMessage): void {
    if (!this.redis) {
      this.deliver(message);
      return;
    }
    // Events are best effort: clients also read the same numbers from GET /api/export/:id.
    this.redis.publish(CHANNEL, JSON.stringify(message)).catch((error: Error) => {
      this.logger.warn(`Event not published: ${error.message}`);
    });
  }

  private deliver(message: BusMessage): void {
    if (message.type === 'user-event') this.local.emit('user-event', message.event);
    else this.local.emit('cancel', message.request);
  }
}
