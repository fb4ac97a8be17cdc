import type { ExportItem, JsonObject, MediaReference } from '../../adapter/collection';
import { archiveMediaUrl } from '../../archive/archive-importer';
import { arrayField, asRecord, jsonValue, stringField } from '../../json-shape';

type Json = Record<string, unknown>;

/** The archive's owner, which every post of `tweets.js` is by (the archive names no author per post). */
export interface ArchiveOwner {
  id: string;
  username: string | null;
  name: string | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * v1.1's `Thu Nov 14 03:37:58 +0000 2019`, parsed field by field (Date.parse of it is engine-dependent),
 * as ISO 8601 UTC. ISO strings (DMs, note tweets) pass through normalised.
 */
export function archiveTime(value: string | undefined): string | null {
  if (!value) return null;
  const v11 = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(value);
  if (v11) {
    const [, month, day, h, m, s, sign, oh, om, year] = v11;
    const monthIndex = MONTHS.indexOf(month);
    if (monthIndex < 0) return null;
    const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    const utc = Date.UTC(Number(year), monthIndex, Number(day), Number(h), Number(m), Number(s)) - offsetMinutes * 60_000;
    return new Date(utc).toISOString();
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The text as a reader saw it: v1.1 escapes `&<>` as HTML entities and shortens links to t.co. Links are
 * expanded from `entities.urls`; the t.co link of attached media goes, as the media is attached anyway.
 */
export function expandedText(tweet: Json): string {
  let text = stringField(tweet, 'full_text') ?? stringField(tweet, 'text') ?? '';
  const entities = asRecord(tweet.entities);
  for (const entry of arrayField(entities, 'urls') ?? []) {
    const short = stringField(entry, 'url');
    const expanded = stringField(entry, 'expanded_url');
    if (short && expanded) text = text.split(short).join(expanded);
  }
  for (const entry of [...(arrayField(entities, 'media') ?? []), ...(arrayField(asRecord(tweet.extended_entities), 'media') ?? [])]) {
    const short = stringField(entry, 'url');
    if (short) text = text.split(short).join('');
  }
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]).trim();
}

const MEDIA_KEY_PREFIX: Record<string, string> = { photo: '3', video: '7', animated_gif: '16' };
const MEDIA_TYPE: Record<string, string> = { photo: 'photo', video: 'video', animated_gif: 'animated_gif' };

/**
 * A v1.1 post of the archive as the X adapter's post record (same fields, string ids, ISO dates), with
 * `raw` keeping the archive's object. `files` are the archive's own copies of its media.
 */
export function archiveTweetRecord(wrapper: unknown, owner: ArchiveOwner, files: readonly string[]): ExportItem | undefined {
  const tweet = asRecord(asRecord(wrapper)?.tweet) ?? asRecord(wrapper);
  const id = stringField(tweet, 'id_str') ?? stringField(tweet, 'id');
  if (!tweet || !id) return undefined;
  const text = expandedText(tweet);
  const repliedToId = stringField(tweet, 'in_reply_to_status_id_str') ?? null;
  const kind = /^RT @\w+:/.test(text) ? 'retweet' : repliedToId ? 'reply' : tweet.is_quote_status === true ? 'quote' : 'post';
  const media = (arrayField(asRecord(tweet.extended_entities), 'media') ?? arrayField(asRecord(tweet.entities), 'media') ?? []).map((entry) => asRecord(entry) ?? {});
  const count = (key: string): number | null => {
    const value = tweet[key];
    const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
    return Number.isFinite(n) ? n : null;
  };
  const data: JsonObject = {
    id,
    kind,
    text,
    createdAt: archiveTime(stringField(tweet, 'created_at')),
    url: `https://x.com/i/web/status/${id}`,
    authorId: owner.id,
    author: { id: owner.id, username: owner.username, name: owner.name },
    authorUsername: owner.username,
    conversationId: null,
    inReplyToUserId: stringField(tweet, 'in_reply_to_user_id_str') ?? null,
    repliedToId,
    referencedTweets: repliedToId ? [{ type: 'replied_to', id: repliedToId, text: null, author: null }] : [],
    media: media.map((m) => {
      const type = stringField(m, 'type') ?? 'photo';
      return {
        mediaKey: `${MEDIA_KEY_PREFIX[type] ?? '3'}_${stringField(m, 'id_str') ?? ''}`,
        type: MEDIA_TYPE[type] ?? type,
        url: stringField(m, 'media_url_https') ?? stringField(m, 'media_url') ?? null,
        altText: stringField(m, 'ext_alt_text') ?? null,
      };
    }),
    lang: stringField(tweet, 'lang') ?? null,
    publicMetrics: { retweet_count: count('retweet_count'), like_count: count('favorite_count') },
    ...(stringField(tweet, 'deleted_at') ? { deletedAt: archiveTime(stringField(tweet, 'deleted_at')) } : {}),
    source: 'archive',
    raw: jsonValue(tweet),
  };
  return { id, data, ...withFiles(files) };
}

/** A long post (`note-tweet.js`): its whole text, links expanded. */
export function archiveNoteTweetRecord(wrapper: unknown, owner: ArchiveOwner): ExportItem | undefined {
  const note = asRecord(asRecord(wrapper)?.noteTweet);
  const id = stringField(note, 'noteTweetId');
  if (!note || !id) return undefined;
  const core = asRecord(note.core);
  let text = stringField(core, 'text') ?? '';
  for (const entry of arrayField(core, 'urls') ?? []) {
    const short = stringField(entry, 'shortUrl');
    const expanded = stringField(entry, 'expandedUrl');
    if (short && expanded) text = text.split(short).join(expanded);
  }
  const data: JsonObject = {
    id,
    text,
    createdAt: archiveTime(stringField(note, 'createdAt')),
    updatedAt: archiveTime(stringField(note, 'updatedAt')),
    authorId: owner.id,
    authorUsername: owner.username,
    source: 'archive',
    raw: jsonValue(note),
  };
  return { id, data };
}

/** `like.js` is thin: the post's id, its text and link; no author or date. */
export function archiveLikeRecord(wrapper: unknown): ExportItem | undefined {
  const like = asRecord(asRecord(wrapper)?.like);
  const id = stringField(like, 'tweetId');
  if (!like || !id) return undefined;
  const data: JsonObject = {
    id,
    kind: 'post',
    text: stringField(like, 'fullText') ?? '',
    createdAt: null,
    url: stringField(like, 'expandedUrl') ?? `https://x.com/i/web/status/${id}`,
    authorId: null,
    author: null,
    authorUsername: null,
    source: 'archive',
    raw: jsonValue(like),
  };
  return { id, data };
}

/** `follower.js` / `following.js`: an account id and a link by id (the archive names no handles). */
export function archiveConnectionRecord(wrapper: unknown, key: 'follower' | 'following'): ExportItem | undefined {
  const entry = asRecord(asRecord(wrapper)?.[key]);
  const id = stringField(entry, 'accountId');
  if (!entry || !id) return undefined;
  const data: JsonObject = {
    id,
    username: null,
    name: null,
    url: stringField(entry, 'userLink') ?? `https://x.com/intent/user?user_id=${id}`,
    source: 'archive',
    raw: jsonValue(entry),
  };
  return { id, data };
}

/**
 * The messages of one conversation of `direct-messages.js` / `direct-messages-group.js`, one record
 * each: `messageCreate` events, and the group events (joins, leaves, name changes) as what they are.
 */
export function archiveMessageRecords(wrapper: unknown, mediaFiles: (messageId: string) => readonly string[]): ExportItem[] {
  const conversation = asRecord(asRecord(wrapper)?.dmConversation);
  const conversationId = stringField(conversation, 'conversationId') ?? null;
  const records: ExportItem[] = [];
  for (const event of arrayField(conversation, 'messages') ?? []) {
    const [type, body] = Object.entries(asRecord(event) ?? {})[0] ?? [];
    const message = asRecord(body);
    const id = stringField(message, 'id');
    if (!type || !message || !id) continue;
    let text = stringField(message, 'text') ?? null;
    for (const link of arrayField(message, 'urls') ?? []) {
      const short = stringField(link, 'url');
      const expanded = stringField(link, 'expanded');
      if (text && short && expanded) text = text.split(short).join(expanded);
    }
    const data: JsonObject = {
      id,
      type,
      conversationId,
      senderId: stringField(message, 'senderId') ?? stringField(message, 'initiatingUserId') ?? null,
      recipientId: stringField(message, 'recipientId') ?? null,
      text,
      createdAt: archiveTime(stringField(message, 'createdAt')),
      source: 'archive',
      raw: jsonValue(message),
    };
    records.push({ id, data, ...withFiles(mediaFiles(id)) });
  }
  return records;
}

function withFiles(files: readonly string[]): { media?: MediaReference[] } {
  if (files.length === 0) return {};
  return { media: files.map((file) => ({ url: archiveMediaUrl(file), via: 'archive', kind: /\.(mp4|mov|webm)$/i.test(file) ? 'video' : 'image' })) };
}
