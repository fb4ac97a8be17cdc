import type { XEndpoint } from './twitter-account';

/** The OAuth 2.0 scopes X knows; a consent request naming another is refused. */
export const X_SCOPES = [
  'tweet.read', 'tweet.write', 'tweet.moderate.write', 'users.email', 'users.read', 'follows.read', 'follows.write', 'offline.access',
  'space.read', 'mute.read', 'mute.write', 'like.read', 'like.write', 'list.read', 'list.write', 'block.read', 'block.write',
  'bookmark.read', 'bookmark.write', 'dm.read', 'dm.write', 'media.write',
];

/** What each endpoint needs, from X's API reference. */
export const X_SCOPES_OF: Record<XEndpoint, string[]> = {
  'users.me': ['tweet.read', 'users.read'],
  tweets: ['tweet.read', 'users.read'],
  liked_tweets: ['tweet.read', 'users.read', 'like.read'],
  bookmarks: ['tweet.read', 'users.read', 'bookmark.read'],
  followers: ['tweet.read', 'users.read', 'follows.read'],
  following: ['tweet.read', 'users.read', 'follows.read'],
};
