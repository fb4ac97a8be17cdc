// Contract
export * from './adapter/account-info';
export * from './adapter/call-context';
export * from './adapter/collection';
export * from './adapter/collection-view';
export * from './adapter/credentials';
export * from './adapter/oauth-connect';
export * from './adapter/platform-adapter';
export * from './adapter/platform-definition';
export * from './errors';

// Nest wiring and settings
export * from './platform-adapters.module';
export * from './platform-adapters.tokens';
export * from './platforms';
export * from './registry/platform-adapter.registry';
export * from './settings/platform-settings';
export * from './settings/settings-reader';

// Platform HTTP client, for adapters
export * from './http/http-policy';
export * from './http/platform-http-client';
export * from './http/platform-http-client.factory';
export * from './http/platform-response';
export * from './http/rate-limit-headers';
export * from './time/zoned-midnight';

// Media
export * from './media/media-downloader';
export * from './media/media-fetcher';
export * from './media/media-file-fetcher';
export * from './media/media.options';
export { HostAllowList, parseHostPattern, type HostPattern } from './media/host-allow-list';
export { isPublicAddress } from './media/address-policy';

// Platforms
export * from './facebook/facebook.adapter';
export * from './facebook/facebook.options';
export * from './facebook/facebook.platform';
export { FACEBOOK_COLLECTIONS } from './facebook/facebook-export';
export { FACEBOOK_DESCRIPTOR, FACEBOOK_PERMISSIONS } from './facebook/facebook.descriptor';
export * from './instagram/instagram.adapter';
export * from './instagram/instagram.options';
export * from './instagram/instagram.platform';
export { InstagramBrowser } from './instagram/instagram-browser';
export { CookieInputError, parseInstagramCookies } from './instagram/instagram-cookies';
export { INSTAGRAM_DESCRIPTOR, INSTAGRAM_RISK_WARNING } from './instagram/instagram.descriptor';
export * from './youtube/youtube.adapter';
export * from './youtube/youtube.options';
export * from './youtube/youtube.platform';
export { VideoFileDownloader } from './youtube/video-file-downloader';
export { YOUTUBE_COLLECTIONS } from './youtube/youtube-export';
export {
  YOUTUBE_DESCRIPTOR,
  YOUTUBE_METHODS,
  YOUTUBE_TIME_ZONE,
  YOUTUBE_WATCH_URL,
  type YouTubeMethod,
} from './youtube/youtube.descriptor';

// Archive imports
export * from './archive/archive-import';
export * from './archive/archive-importer';
export * from './archive/archive-top-up';
export * from './archive/invalid-archive';
export * from './archive/platform-detection';
export { DEFAULT_ZIP_LIMITS, ZipArchive, type ZipLimits } from './archive/zip-archive';
