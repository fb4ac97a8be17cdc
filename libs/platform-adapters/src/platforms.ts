import type { PlatformDefinition } from './adapter/platform-definition';
import { FACEBOOK_PLATFORM } from './facebook/facebook.platform';
import { INSTAGRAM_PLATFORM } from './instagram/instagram.platform';
import { TWITTER_PLATFORM } from './twitter/twitter.platform';
import { YOUTUBE_PLATFORM } from './youtube/youtube.platform';

/**
 * Every platform this library ships, one line each, in catalogue order. A platform's name must also be
 * in PLATFORM_NAMES (@app/contracts); the registry refuses to boot when the two lists disagree.
 */
export const PLATFORMS: readonly PlatformDefinition[] = [YOUTUBE_PLATFORM, FACEBOOK_PLATFORM, TWITTER_PLATFORM, INSTAGRAM_PLATFORM];
