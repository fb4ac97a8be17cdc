import { SetMetadata } from '@nestjs/common';

/** The spec's endpoint types. Untagged routes are "general". */
export type RateLimitTier = 'auth' | 'export';

export const RATE_LIMIT_TIER = 'star-export:rate-limit-tier';

export const RateLimit = (tier: RateLimitTier): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_TIER, tier);
