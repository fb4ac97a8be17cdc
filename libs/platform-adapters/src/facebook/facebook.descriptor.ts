import type { PlatformDescriptor } from '@app/contracts';

export const FACEBOOK_DEFAULT_BUCKET = 'default';

/**
 * The catalogue entry. Messages are false: Messenger has no Graph API for a person's own inbox; they come
 * from a "Download Your Information" archive import instead. The ledger limit is a safety valve only:
 * Meta's real budget (200 calls per hour per daily active user of the app) is read from X-App-Usage.
 */
export const FACEBOOK_DESCRIPTOR: PlatformDescriptor = {
  name: 'facebook',
  displayName: 'Facebook',
  authType: 'oauth',
  exportFormats: ['json', 'csv', 'html'],
  features: { profile: true, posts: true, photos: true, videos: true, albums: true, likes: true, friends: true, messages: false },
  limits: [{ bucket: FACEBOOK_DEFAULT_BUCKET, unit: 'call', limit: 10_000, reset: { type: 'window', seconds: 3600 } }],
};

/** The permissions the login dialog asks for: what each collection's edge needs. */
export const FACEBOOK_PERMISSIONS = ['public_profile', 'user_posts', 'user_photos', 'user_videos', 'user_likes', 'user_friends'] as const;
