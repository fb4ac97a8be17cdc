import { PACIFIC_DAY } from '../core/quota-window';
import { faultError, googleNotFoundPage } from '../google/api-error';
import { googleInternalError } from '../google/platform';
import type { SandboxPlatform } from '../platform';
import { YOUTUBE_MEDIA_ROUTES } from './media-routes';
import { YOUTUBE_PREFIX, YOUTUBE_ROUTES } from './routes';
import { youtubeOf } from './youtube-account';

/** The YouTube Data API v3, its CDN and watch pages; quota in units per Pacific day. */
export const YOUTUBE_SANDBOX: SandboxPlatform = {
  name: 'youtube',
  routes: [...YOUTUBE_ROUTES, ...YOUTUBE_MEDIA_ROUTES],
  prefixes: [`${YOUTUBE_PREFIX}/`, '/vi/', '/ytc/', '/media/', '/embed/'],
  notFound: googleNotFoundPage,
  internalError: googleInternalError,
  faultReplies: { youtube: faultError },
  prepareAccount: (account) => void youtubeOf(account),
  quota: (options) => ({ window: PACIFIC_DAY, defaultLimit: options.dailyLimit, scope: options.quotaScope }),
};
