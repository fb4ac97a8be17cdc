import { Module } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { RATE_LIMIT_TIER, RateLimitTier } from './rate-limit.decorator';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const reflector = new Reflector();

function tierOf(context: ExecutionContext): RateLimitTier | undefined {
  return reflector.getAllAndOverride<RateLimitTier | undefined>(RATE_LIMIT_TIER, [
    context.getHandler(),
    context.getClass(),
  ]);
}

/**
 * The spec's three limits. Every named throttler would apply to every route, so each one skips the
 * routes outside its tier: auth routes get 5/s, export routes 10/s, everything else 100/min.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis | null) => ({
        setHeaders: false,
        storage: redis ? new RedisThrottlerStorage(redis) : undefined,
        throttlers: [
          { name: 'general', ttl: 60_000, limit: 100, skipIf: (context) => (tierOf(context) ?? 'general') !== 'general' },
          { name: 'auth', ttl: 1_000, limit: 5, skipIf: (context) => tierOf(context) !== 'auth' },
          { name: 'export', ttl: 1_000, limit: 10, skipIf: (context) => tierOf(context) !== 'export' },
        ],
      }),
    }),
  ],
  providers: [RateLimitGuard],
  // The auth guard charges failed authentications to the client address through RateLimitGuard,
  // and the per-account login limit keeps its counters in the same storage.
  exports: [ThrottlerModule, RateLimitGuard],
})
export class RateLimitModule {}
