import type { PlatformDescriptor } from '@app/contracts';

/** The spending ledger's bucket: micro-dollars per calendar month (UTC). */
export const TWITTER_SPEND_BUCKET = 'default';

export function twitterDescriptor(monthlyBudgetMicros: number): PlatformDescriptor {
  return {
    name: 'twitter',
    displayName: 'X',
    authType: 'oauth',
    exportFormats: ['json', 'csv', 'html'],
    features: { profile: true, tweets: true, likes: true, bookmarks: true, followers: true, following: true },
    limits: [{ bucket: TWITTER_SPEND_BUCKET, unit: 'usd-micro', limit: monthlyBudgetMicros, reset: { type: 'monthly', timeZone: 'UTC' } }],
  };
}

/** The endpoints an export reads, the largest page each allows, and what it caps. */
export const TWITTER_LISTS = {
  tweets: { path: 'tweets', feature: 'tweets', max: 100, cap: 3200 },
  likes: { path: 'liked_tweets', feature: 'likes', max: 100, cap: undefined },
  bookmarks: { path: 'bookmarks', feature: 'bookmarks', max: 100, cap: 800 },
  followers: { path: 'followers', feature: 'followers', max: 1000, cap: undefined },
  following: { path: 'following', feature: 'following', max: 1000, cap: undefined },
} as const;

export type TwitterList = keyof typeof TWITTER_LISTS;

export const TWEET_FIELDS = 'created_at,public_metrics,entities,attachments,conversation_id,in_reply_to_user_id,referenced_tweets,lang,note_tweet,author_id,possibly_sensitive,reply_settings';
export const TWEET_EXPANSIONS = 'attachments.media_keys,referenced_tweets.id,author_id,referenced_tweets.id.author_id';
export const MEDIA_FIELDS = 'url,preview_image_url,type,variants,alt_text,width,height,duration_ms';
export const USER_FIELDS = 'created_at,description,entities,location,name,pinned_tweet_id,profile_image_url,protected,public_metrics,url,username,verified,verified_type';
