import type { PlatformDefinition } from '../adapter/platform-definition';
import { TwitterAdapter } from './twitter.adapter';
import { readTwitterOptions, TWITTER_OPTIONS, type TwitterOptions } from './twitter.options';

/** X: API v2 with OAuth 2.0 PKCE; photos from pbs.twimg.com, videos and GIFs from video.twimg.com. */
export const TWITTER_PLATFORM: PlatformDefinition<TwitterOptions> = {
  name: 'twitter',
  readOptions: readTwitterOptions,
  optionsToken: TWITTER_OPTIONS,
  adapter: TwitterAdapter,
  mediaHosts: ['pbs.twimg.com', 'video.twimg.com'],
};
