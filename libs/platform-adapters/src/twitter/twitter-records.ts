import type { ExportItem, JsonObject, JsonValue, MediaReference } from '../adapter/collection';
import { arrayField, asRecord, jsonValue, stringField } from '../json-shape';

type Json = Record<string, unknown>;

/** A page's `includes`, indexed for joining into each item. */
export interface Includes {
  media: Map<string, Json>;
  users: Map<string, Json>;
  tweets: Map<string, Json>;
}

export function readIncludes(body: unknown): Includes {
  const includes = asRecord(asRecord(body)?.includes);
  const index = (name: string, key: string): Map<string, Json> =>
    new Map((arrayField(includes, name) ?? []).flatMap((entry) => {
      const record = asRecord(entry);
      const id = stringField(record, key);
      return record && id ? [[id, record] as [string, Json]] : [];
    }));
  return { media: index('media', 'media_key'), users: index('users', 'id'), tweets: index('tweets', 'id') };
}

/** Photos at original size; videos and GIFs as their best-bitrate MP4 rendition (never the HLS playlist). */
export function mediaFile(media: Json): MediaReference | undefined {
  const type = stringField(media, 'type');
  if (type === 'photo') {
    const url = stringField(media, 'url');
    if (!url) return undefined;
    const orig = new URL(url);
    orig.searchParams.set('name', 'orig');
    return { url: orig.toString(), kind: 'image' };
  }
  let best: { url: string; bitRate: number } | undefined;
  for (const variant of arrayField(media, 'variants') ?? []) {
    const record = asRecord(variant);
    const url = stringField(record, 'url');
    if (!url || stringField(record, 'content_type') !== 'video/mp4') continue;
    const bitRate = typeof record?.bit_rate === 'number' ? record.bit_rate : 0;
    if (!best || bitRate > best.bitRate) best = { url, bitRate };
  }
  return best ? { url: best.url, kind: 'video' } : undefined;
}

function userSummary(user: Json | undefined): JsonValue {
  return user ? { id: stringField(user, 'id') ?? null, username: stringField(user, 'username') ?? null, name: stringField(user, 'name') ?? null } : null;
}

/** A post with what its expansions brought joined in: its media, its author and the posts it refers to. */
export function tweetRecord(tweet: Json, includes: Includes, withMedia: boolean): ExportItem {
  const id = stringField(tweet, 'id') as string;
  const referenced = (arrayField(tweet, 'referenced_tweets') ?? []).map((entry) => asRecord(entry) ?? {});
  const kind = referenced.some((r) => r.type === 'retweeted') ? 'retweet' : referenced.some((r) => r.type === 'quoted') ? 'quote' : referenced.some((r) => r.type === 'replied_to') ? 'reply' : 'post';
  const mediaKeys = (arrayField(asRecord(tweet.attachments), 'media_keys') ?? []).filter((key): key is string => typeof key === 'string');
  const media = mediaKeys.map((key) => includes.media.get(key)).filter((m): m is Json => m !== undefined);
  const author = includes.users.get(stringField(tweet, 'author_id') ?? '');
  const data: JsonObject = {
    id,
    kind,
    // note_tweet holds the whole text of a long post; `text` is cut at 280 characters.
    text: stringField(asRecord(tweet.note_tweet), 'text') ?? stringField(tweet, 'text') ?? '',
    createdAt: stringField(tweet, 'created_at') ?? null,
    url: `https://x.com/i/web/status/${id}`,
    authorId: stringField(tweet, 'author_id') ?? null,
    author: userSummary(author),
    authorUsername: stringField(author, 'username') ?? null,
    conversationId: stringField(tweet, 'conversation_id') ?? null,
    inReplyToUserId: stringField(tweet, 'in_reply_to_user_id') ?? null,
    repliedToId: stringField(referenced.find((r) => r.type === 'replied_to'), 'id') ?? null,
    referencedTweets: referenced.map((r) => {
      const joined = includes.tweets.get(stringField(r, 'id') ?? '');
      return { type: stringField(r, 'type') ?? null, id: stringField(r, 'id') ?? null, text: stringField(joined, 'text') ?? null, author: userSummary(includes.users.get(stringField(joined, 'author_id') ?? '')) };
    }),
    media: media.map((m) => ({ mediaKey: stringField(m, 'media_key') ?? null, type: stringField(m, 'type') ?? null, url: mediaFile(m)?.url ?? null, altText: stringField(m, 'alt_text') ?? null })),
    lang: stringField(tweet, 'lang') ?? null,
    publicMetrics: jsonValue(tweet.public_metrics),
    raw: jsonValue(tweet),
  };
  const files = withMedia ? media.map(mediaFile).filter((f): f is MediaReference => f !== undefined) : [];
  return { id, data, ...(files.length > 0 ? { media: files } : {}) };
}

export function userRecord(user: Json, withMedia: boolean): ExportItem {
  const id = stringField(user, 'id') as string;
  const username = stringField(user, 'username') ?? null;
  const avatar = stringField(user, 'profile_image_url');
  const data: JsonObject = {
    id,
    username,
    name: stringField(user, 'name') ?? null,
    description: stringField(user, 'description') ?? null,
    location: stringField(user, 'location') ?? null,
    createdAt: stringField(user, 'created_at') ?? null,
    url: username ? `https://x.com/${username}` : null,
    protected: user.protected === true,
    publicMetrics: jsonValue(user.public_metrics),
    pinnedTweetId: stringField(user, 'pinned_tweet_id') ?? null,
    profileImageUrl: avatar ?? null,
    raw: jsonValue(user),
  };
  return { id, data, ...(withMedia && avatar ? { media: [{ url: avatar, kind: 'image' as const }] } : {}) };
}
