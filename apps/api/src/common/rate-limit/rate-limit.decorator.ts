import { SetMetadata } from '@nestjs/common';

/**
 * The spec's endpoint types. Untagged routes are "general"; `general` on a route of an auth or export
 * controller puts that one route back under the general limit.
 */
export type RateLimitTier = 'auth' | 'export' | 'general';

export const RATE_LIMIT_TIER = 'star-export:rate-limit-tier';

export const RateLimit = (tier: RateLimitTier): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_TIER, tier);
