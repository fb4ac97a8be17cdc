import type { FacebookAccountSpec } from './facebook/facebook-account';
import type { InstagramAccountSpec } from './instagram/instagram-account';
import type { PersonSpec } from './synthetic/account';
import type { XAccountSpec } from './twitter/twitter-account';
import type { YouTubeAccountSpec } from './youtube/youtube-account';

/**
 * An account as tests and the admin API describe it: the person, and each platform's part (a new
 * platform adds its own spec type here).
 */
export type AccountSpec = PersonSpec & YouTubeAccountSpec & FacebookAccountSpec & { twitter?: XAccountSpec; instagram?: InstagramAccountSpec };

/** The accounts a sandbox starts with when none are configured. */
export const DEFAULT_ACCOUNTS: AccountSpec[] = [
  // A typical small channel: pages of 50 end on a short page; some playlists, likes, subscriptions.
  { key: 'alice', videos: 137, playlistSizes: [12, 57, 0], likes: 23, subscriptions: 31, maxThreadsPerVideo: 6, maxRepliesPerThread: 12 },
  // A channel that has never uploaded.
  { key: 'bob', videos: 0, playlists: 0, likes: 0, subscriptions: 2 },
  // A Google account with no YouTube channel at all.
  { key: 'carol', hasChannel: false },
];
