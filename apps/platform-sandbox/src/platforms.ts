import { FACEBOOK_SANDBOX } from './facebook/platform';
import { GOOGLE_SANDBOX } from './google/platform';
import { INSTAGRAM_SANDBOX } from './instagram/platform';
import type { SandboxPlatform } from './platform';
import { TWITTER_SANDBOX } from './twitter/platform';
import { YOUTUBE_SANDBOX } from './youtube/platform';

/**
 * Every platform the sandbox stands in for, one line each. A new one (facebook/, twitter/,
 * instagram/) is a folder with its routes, its 404 page and its quota window, listed here.
 */
export const SANDBOX_PLATFORMS: readonly SandboxPlatform[] = [GOOGLE_SANDBOX, YOUTUBE_SANDBOX, FACEBOOK_SANDBOX, TWITTER_SANDBOX, INSTAGRAM_SANDBOX];
