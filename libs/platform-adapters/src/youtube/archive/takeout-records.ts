import type { ExportItem, JsonValue, MediaReference } from '../../adapter/collection';
import { archiveMediaUrl } from '../../archive/archive-importer';
import { arrayField, asRecord, jsonValue, stringField } from '../../json-shape';
import { watchPageUrl } from '../youtube-records';

/**
 * Takeout's YouTube files as the YouTube adapter's records (youtube-records.ts): the same keys, null
 * where Takeout does not say (it has no statistics, no thumbnails, no subscription ids), times as
 * ISO 8601 UTC, and `raw` the row or element as Takeout wrote it. Watch and search history exist only
 * in Takeout, so their records are defined here.
 */

type Row = Record<string, string>;

function item(id: string, data: Record<string, JsonValue>, media: MediaReference[] = []): ExportItem {
  return media.length > 0 ? { id, data, media } : { id, data };
}

/** A column by any of its spellings (Takeout's header casing drifts between exports), or null when empty. */
export function column(row: Row, ...names: string[]): string | null {
  const wanted = names.map((name) => name.toLowerCase());
  for (const [key, value] of Object.entries(row)) {
    if (wanted.includes(key.toLowerCase()) && value.trim() !== '') return value.trim();
  }
  return null;
}

/** Takeout writes `2023-05-01T12:34:56.789Z`, `2023-05-01T12:34:56+00:00` or `2023-05-01 12:34:56 UTC`. */
export function takeoutTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const normalised = value.trim().replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
  const parsed = Date.parse(normalised);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

function count(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

/** `v` of a watch link, or the id of a `youtu.be`/`shorts` link. */
function videoIdOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.searchParams.get('v') ?? /^\/(?:shorts\/)?([\w-]{11})$/.exec(parsed.pathname)?.[1] ?? null;
  } catch {
    return null;
  }
}

function channelIdOf(url: string | undefined): string | null {
  return url ? (/\/channel\/(UC[\w-]+)/.exec(url)?.[1] ?? null) : null;
}

/**
 * The history's `title` is the action in the account's language around the video title or the query:
 * `Watched <title>`, `<title> angesehen`, older `Gesucht nach <query>`. The links are language-free, so
 * ids come from those and the title is only trimmed of the known phrasings.
 */
function strippedTitle(title: string | undefined): string | null {
  if (!title) return null;
  return title.replace(/^(Watched|Searched for|Viewed|Gesucht nach) /, '').replace(/ (angesehen|gesucht|aufgerufen)$/, '').replace(/^[„"](.*)[“"]$/, '$1');
}

/** One element of `watch-history.json`; a video since deleted has no link and keeps only its title. */
export function watchRecord(element: unknown, index: number): ExportItem | undefined {
  const entry = asRecord(element);
  if (!entry) return undefined;
  const url = stringField(entry, 'titleUrl');
  const channel = asRecord(arrayField(entry, 'subtitles')?.[0]);
  const watchedAt = takeoutTime(stringField(entry, 'time'));
  const videoId = videoIdOf(url);
  const id = `${watchedAt ?? index}:${videoId ?? index}`;
  return item(id, {
    id,
    videoId,
    title: strippedTitle(stringField(entry, 'title')),
    url: url ?? null,
    channelId: channelIdOf(stringField(channel, 'url')),
    channelTitle: stringField(channel, 'name') ?? null,
    watchedAt,
    products: (arrayField(entry, 'products') ?? []).filter((product): product is string => typeof product === 'string'),
    raw: jsonValue(entry),
  });
}

/** One element of `search-history.json`: the query is read from the results link, whatever the language. */
export function searchRecord(element: unknown, index: number): ExportItem | undefined {
  const entry = asRecord(element);
  if (!entry) return undefined;
  const url = stringField(entry, 'titleUrl');
  let query: string | null = null;
  try {
    query = url ? new URL(url).searchParams.get('search_query') : null;
  } catch {
    query = null;
  }
  const searchedAt = takeoutTime(stringField(entry, 'time'));
  const id = `${searchedAt ?? index}:${index}`;
  return item(id, { id, query: query ?? strippedTitle(stringField(entry, 'title')), url: url ?? null, searchedAt, raw: jsonValue(entry) });
}

/** `subscriptions.csv`: Takeout has no subscription id, so the channel's id is the record's. */
export function takeoutSubscriptionRecord(row: Row): ExportItem | undefined {
  const channelId = column(row, 'Channel Id', 'Channel ID', 'Kanal-ID');
  if (!channelId) return undefined;
  return item(channelId, {
    id: channelId,
    channelId,
    title: column(row, 'Channel Title', 'Kanaltitel'),
    description: null,
    subscribedAt: null,
    totalItemCount: null,
    newItemCount: null,
    activityType: null,
    url: column(row, 'Channel Url', 'Channel URL', 'Kanal-URL'),
    raw: jsonValue(row),
  });
}

export function takeoutPlaylistRecord(row: Row, channelId: string | null): ExportItem | undefined {
  const id = column(row, 'Playlist ID', 'Playlist Id');
  if (!id) return undefined;
  return item(id, {
    id,
    title: column(row, 'Playlist Title (Original)', 'Playlist title (original)', 'Playlist Title'),
    description: column(row, 'Playlist Description (Original)', 'Playlist description (original)'),
    publishedAt: takeoutTime(column(row, 'Playlist Create Timestamp', 'Playlist create timestamp')),
    channelId,
    channelTitle: null,
    privacyStatus: column(row, 'Playlist Visibility', 'Playlist visibility')?.toLowerCase() ?? null,
    itemCount: null,
    thumbnailUrl: null,
    raw: jsonValue(row),
  });
}

/** One row of a playlist's own CSV (`Video ID`, `Playlist Video Creation Timestamp`). */
export function takeoutPlaylistItemRecord(row: Row, playlistId: string, position: number): ExportItem | undefined {
  const videoId = column(row, 'Video ID', 'Video Id', 'Video-ID');
  if (!videoId) return undefined;
  const id = `${playlistId}:${position}`;
  return item(id, {
    id,
    playlistId,
    position,
    videoId,
    title: null,
    description: null,
    addedAt: takeoutTime(column(row, 'Playlist Video Creation Timestamp', 'Playlist video creation timestamp')),
    videoPublishedAt: null,
    videoOwnerChannelId: null,
    videoOwnerChannelTitle: null,
    privacyStatus: null,
    note: null,
    raw: jsonValue(row),
  });
}

/**
 * `comments.csv`'s text column is a JSON blob, the comment's segments (`{"text":"…"}` objects, one per
 * run of formatting or link, comma-separated or wrapped in `takeoutSegments`): their texts, joined.
 */
export function commentText(blob: string | null): string | null {
  if (!blob) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(blob.trim().startsWith('[') ? blob : `[${blob}]`);
  } catch {
    return blob;
  }
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    const record = asRecord(value);
    if (!record) return;
    const text = stringField(record, 'text');
    if (text !== undefined) texts.push(text);
    for (const nested of ['segments', 'takeoutSegments']) walk(record[nested]);
  };
  walk(parsed);
  return texts.length > 0 ? texts.join('') : blob;
}

/** The user's own comment, anywhere on YouTube (the API only gives comments on the user's videos). */
export function takeoutCommentRecord(row: Row, owner: { id: string | null; title: string | null }): ExportItem | undefined {
  const id = column(row, 'Comment ID', 'Comment Id');
  if (!id) return undefined;
  const parentId = column(row, 'Parent Comment ID', 'Parent comment ID');
  const text = commentText(column(row, 'Comment Text', 'Comment text'));
  return item(id, {
    id,
    threadId: parentId ?? id,
    parentId,
    videoId: column(row, 'Video ID', 'Video Id'),
    channelId: null,
    authorDisplayName: owner.title,
    authorChannelId: column(row, 'Channel ID', 'Channel Id') ?? owner.id,
    authorChannelUrl: null,
    textDisplay: text,
    textOriginal: text,
    likeCount: null,
    publishedAt: takeoutTime(column(row, 'Comment Create Timestamp', 'Comment create timestamp')),
    updatedAt: null,
    totalReplyCount: null,
    postId: column(row, 'Post ID', 'Post Id'),
    raw: jsonValue(row),
  });
}

/** `channels/channel.csv`: the account's channel, as the `profile` record. */
export function takeoutChannelRecord(row: Row): ExportItem | undefined {
  const id = column(row, 'Channel ID', 'Channel Id');
  if (!id) return undefined;
  return item(id, {
    id,
    title: column(row, 'Channel Title (Original)', 'Channel title (original)', 'Channel Title'),
    description: column(row, 'Channel Description (Original)', 'Channel description (original)'),
    customUrl: null,
    publishedAt: takeoutTime(column(row, 'Channel Create Timestamp', 'Channel create timestamp')),
    country: column(row, 'Channel Country', 'Country'),
    keywords: null,
    uploadsPlaylistId: null,
    likesPlaylistId: null,
    viewCount: null,
    subscriberCount: null,
    hiddenSubscriberCount: null,
    videoCount: null,
    thumbnailUrl: null,
    bannerUrl: null,
    visibility: column(row, 'Channel Visibility', 'Channel visibility'),
    raw: jsonValue(row),
  });
}

/** `video metadata/videos.csv` (no statistics), with the upload's own file from the archive when found. */
export function takeoutVideoRecord(row: Row, watchUrl: string, file: string | undefined): ExportItem | undefined {
  const id = column(row, 'Video ID', 'Video Id');
  if (!id) return undefined;
  const privacy = column(row, 'Privacy', 'Video Privacy')?.toLowerCase() ?? null;
  const durationMs = count(column(row, 'Approx Duration (ms)', 'Approx duration (ms)'));
  return item(
    id,
    {
      id,
      title: column(row, 'Video Title (Original)', 'Video title (original)', 'Video Title'),
      description: column(row, 'Video Description (Original)', 'Video description (original)'),
      publishedAt: takeoutTime(column(row, 'Video Publish Timestamp', 'Video publish timestamp') ?? column(row, 'Video Create Timestamp', 'Video create timestamp')),
      channelId: column(row, 'Channel ID', 'Channel Id'),
      channelTitle: null,
      tags: [],
      categoryId: column(row, 'Video Category', 'Video category'),
      defaultLanguage: null,
      defaultAudioLanguage: column(row, 'Video Audio Language', 'Video audio language'),
      liveBroadcastContent: null,
      // The API's ISO 8601 duration, from Takeout's approximate milliseconds.
      duration: durationMs === null ? null : `PT${Math.round(durationMs / 1000)}S`,
      definition: null,
      caption: null,
      licensedContent: null,
      privacyStatus: privacy,
      uploadStatus: column(row, 'Video State', 'Video state')?.toLowerCase() ?? null,
      license: null,
      embeddable: null,
      publicStatsViewable: null,
      madeForKids: null,
      viewCount: null,
      likeCount: null,
      commentCount: null,
      url: watchPageUrl(watchUrl, id),
      thumbnailUrl: null,
      archiveFile: file ?? null,
      raw: jsonValue(row),
    },
    file ? [{ url: archiveMediaUrl(file), kind: 'video', via: 'archive' }] : [],
  );
}
