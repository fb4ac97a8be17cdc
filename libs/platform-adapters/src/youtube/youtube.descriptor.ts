import type { PlatformDescriptor } from '@app/contracts';

export const YOUTUBE_TIME_ZONE = 'America/Los_Angeles';

/** The Data API's general pool; search.list and videos.insert have buckets of their own, which we never use. */
export const YOUTUBE_DEFAULT_BUCKET = 'default';

/** Where video files are fetched from with yt-dlp, unless `youtube.watchUrl` says otherwise. */
export const YOUTUBE_WATCH_URL = 'https://www.youtube.com/watch';

/**
 * The catalogue entry. Formats are the three the export engine renders for every platform (JSON, CSV,
 * offline HTML). `profile` (the channel itself) is a feature like the others, so `options.collections`
 * can name it or leave it out. Analytics is false: it lives in the separate YouTube Analytics API, which
 * we do not use.
 */
export const YOUTUBE_DESCRIPTOR: PlatformDescriptor = {
  name: 'youtube',
  displayName: 'YouTube',
  authType: 'oauth',
  exportFormats: ['json', 'csv', 'html'],
  features: { profile: true, videos: true, playlists: true, comments: true, subscriptions: true, analytics: false },
  limits: [
    { bucket: YOUTUBE_DEFAULT_BUCKET, unit: 'unit', limit: 10_000, reset: { type: 'daily', timeZone: YOUTUBE_TIME_ZONE } },
  ],
};

/** Data API methods we call, their paths under YOUTUBE_API_URL, and what one call (one page) costs. */
export const YOUTUBE_METHODS = {
  'channels.list': { path: 'channels', units: 1 },
  'playlistItems.list': { path: 'playlistItems', units: 1 },
  'videos.list': { path: 'videos', units: 1 },
  'playlists.list': { path: 'playlists', units: 1 },
  'subscriptions.list': { path: 'subscriptions', units: 1 },
  'commentThreads.list': { path: 'commentThreads', units: 1 },
  'comments.list': { path: 'comments', units: 1 },
} as const;

export type YouTubeMethod = keyof typeof YOUTUBE_METHODS;

/** Scopes that let us read the user's own channel; youtube.readonly is the one we ask for. */
export const YOUTUBE_READ_SCOPES = [
  'https://www.googleapis.com/auth/youtube.readonly',
  'https://www.googleapis.com/auth/youtube',
  'https://www.googleapis.com/auth/youtube.force-ssl',
];
