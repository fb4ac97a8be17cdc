import type { Account } from '../synthetic/account';
import { PostModel, XAccount, postId, userId } from './twitter-account';

/** What a request asked for: the `*.fields` lists and `expansions`, each a set of names. */
export interface Selection {
  tweetFields: Set<string>;
  userFields: Set<string>;
  mediaFields: Set<string>;
  expansions: Set<string>;
}

export const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id', 'created_at',
  'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id', 'in_reply_to_user_id', 'lang',
  'media_metadata', 'non_public_metrics', 'note_tweet', 'organic_metrics', 'possibly_sensitive', 'promoted_metrics',
  'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes', 'source', 'text', 'withheld',
];
export const USER_FIELDS = [
  'affiliation', 'connection_status', 'created_at', 'description', 'entities', 'id', 'location', 'most_recent_tweet_id', 'name',
  'pinned_tweet_id', 'profile_banner_url', 'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm', 'subscription_type',
  'url', 'username', 'verified', 'verified_type', 'withheld',
];
export const MEDIA_FIELDS = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url', 'promoted_metrics',
  'public_metrics', 'type', 'url', 'variants', 'width',
];
export const TWEET_EXPANSIONS = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet', 'attachments.poll_ids',
  'author_id', 'edit_history_tweet_ids', 'entities.mentions.username', 'geo.place_id', 'in_reply_to_user_id', 'entities.note.mentions.username',
  'referenced_tweets.id', 'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
];
export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'];

type Json = Record<string, unknown>;

const pick = (full: Json, fields: Set<string>, always: readonly string[]): Json =>
  Object.fromEntries(Object.entries(full).filter(([name]) => always.includes(name) || fields.has(name)));

/** A user of the account's world: 0 is the account itself, others are people it meets. */
export function userObject(x: XAccount, account: Account, index: number, base: string, fields: Set<string>): Json {
  const id = userId(account.tag, index);
  const own = index === 0;
  const full: Json = {
    id,
    name: own ? account.name : `Friend ${index}`,
    username: own ? account.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 15) : `friend_${index}`,
    created_at: new Date(account.createdAtMs + index * 86_400_000).toISOString(),
    description: own ? `Posts about ${account.givenName}'s days.` : `Friend number ${index}.`,
    location: own ? 'Lisbon' : '',
    protected: false,
    verified: false,
    verified_type: 'none',
    url: '',
    profile_image_url: `${base}/twimg/profile_images/${id}/avatar_normal.jpg`,
    public_metrics: own
      ? { followers_count: x.followers, following_count: x.following, tweet_count: x.posts, listed_count: 0, like_count: x.likes, media_count: 0 }
      : { followers_count: 10 + index, following_count: 20 + index, tweet_count: 100 + index, listed_count: 0, like_count: 3, media_count: 0 },
    ...(own && x.posts > 0 ? { pinned_tweet_id: postId(account.tag, 'own', 0), most_recent_tweet_id: postId(account.tag, 'own', 0) } : {}),
  };
  return pick(full, fields, ['id', 'name', 'username']);
}

export function mediaObject(base: string, key: string, type: string, fields: Set<string>): Json {
  const full: Json = { media_key: key, type, width: 1280, height: 720 };
  const id = key.slice(key.indexOf('_') + 1);
  if (type === 'photo') {
    full.url = `${base}/twimg/media/${id}.jpg`;
    full.alt_text = `Picture ${id}`;
  } else {
    full.preview_image_url = `${base}/twimg/media/${id}_thumb.jpg`;
    full.public_metrics = { view_count: 42 };
    if (type === 'video') {
      full.duration_ms = 3000;
      // X lists an HLS playlist and several MP4 renditions in no particular order.
      full.variants = [
        { bit_rate: 832000, content_type: 'video/mp4', url: `${base}/twimg/ext_tw_video/${id}/vid/640x360/mid.mp4?tag=12` },
        { content_type: 'application/x-mpegURL', url: `${base}/twimg/ext_tw_video/${id}/pl/playlist.m3u8?tag=12` },
        { bit_rate: 2176000, content_type: 'video/mp4', url: `${base}/twimg/ext_tw_video/${id}/vid/1280x720/best.mp4?tag=12` },
        { bit_rate: 256000, content_type: 'video/mp4', url: `${base}/twimg/ext_tw_video/${id}/vid/320x180/low.mp4?tag=12` },
      ];
    } else {
      full.variants = [{ bit_rate: 0, content_type: 'video/mp4', url: `${base}/twimg/tweet_video/${id}.mp4` }];
    }
  }
  return pick(full, fields, ['media_key', 'type']);
}

/** A post with the fields asked for; `includes` collects what its expansions pull in. */
export function tweetObject(x: XAccount, account: Account, post: PostModel, sel: Selection, base: string, includes: Includes): Json {
  const tag = account.tag;
  const authorId = userId(tag, post.authorIndex);
  const referenced: { type: string; id: string }[] = [];
  if (post.retweet) referenced.push({ type: 'retweeted', id: postId(tag, 'referenced', post.index) });
  if (post.quote) referenced.push({ type: 'quoted', id: postId(tag, 'referenced', post.index) });
  if (post.reply) referenced.push({ type: 'replied_to', id: postId(tag, 'referenced', post.index) });
  const replyTo = post.reply ? userId(tag, 1 + (post.index % 13)) : null;
  const full: Json = {
    id: post.id,
    text: post.text,
    edit_history_tweet_ids: [post.id],
    created_at: new Date(post.createdMs).toISOString(),
    author_id: authorId,
    conversation_id: post.reply ? postId(tag, 'referenced', post.index) : post.id,
    lang: 'en',
    possibly_sensitive: false,
    reply_settings: 'everyone',
    public_metrics: { retweet_count: post.index % 4, reply_count: post.index % 3, like_count: post.index % 10, quote_count: 0, bookmark_count: 0, impression_count: 100 + post.index },
    entities: { urls: [], mentions: replyTo ? [{ start: 0, end: 10, username: `friend_${1 + (post.index % 13)}`, id: replyTo }] : [] },
    ...(post.media.length > 0 ? { attachments: { media_keys: post.media.map((m) => m.key) } } : {}),
    ...(referenced.length > 0 ? { referenced_tweets: referenced } : {}),
    ...(replyTo ? { in_reply_to_user_id: replyTo } : {}),
    ...(post.longText ? { note_tweet: { text: post.longText } } : {}),
  };
  const e = sel.expansions;
  if (e.has('attachments.media_keys')) for (const m of post.media) includes.media.set(m.key, mediaObject(base, m.key, m.type, sel.mediaFields));
  if (e.has('author_id')) includes.users.set(authorId, userObject(x, account, post.authorIndex, base, sel.userFields));
  if (e.has('in_reply_to_user_id') && replyTo) includes.users.set(replyTo, userObject(x, account, 1 + (post.index % 13), base, sel.userFields));
  if ((e.has('referenced_tweets.id') || e.has('referenced_tweets.id.author_id')) && referenced.length > 0) {
    const original = x.post('referenced', post.index);
    const ref = pick(
      { id: original.id, text: original.text, edit_history_tweet_ids: [original.id], created_at: new Date(original.createdMs).toISOString(), author_id: userId(tag, original.authorIndex) },
      sel.tweetFields,
      ['id', 'text', 'edit_history_tweet_ids'],
    );
    if (e.has('referenced_tweets.id')) includes.tweets.set(original.id, ref);
    if (e.has('referenced_tweets.id.author_id')) includes.users.set(userId(tag, original.authorIndex), userObject(x, account, original.authorIndex, base, sel.userFields));
  }
  return pick(full, sel.tweetFields, ['id', 'text', 'edit_history_tweet_ids']);
}

export interface Includes {
  media: Map<string, Json>;
  users: Map<string, Json>;
  tweets: Map<string, Json>;
}

export const newIncludes = (): Includes => ({ media: new Map(), users: new Map(), tweets: new Map() });

/** X leaves `includes` out when nothing was expanded, and each list out when it is empty. */
export function includesJson(includes: Includes): Json | undefined {
  const out: Json = {};
  if (includes.media.size > 0) out.media = [...includes.media.values()];
  if (includes.users.size > 0) out.users = [...includes.users.values()];
  if (includes.tweets.size > 0) out.tweets = [...includes.tweets.values()];
  return Object.keys(out).length > 0 ? out : undefined;
}
