import type { ExportItem, JsonObject, JsonValue, MediaReference } from '../adapter/collection';
import { asRecord } from '../json-shape';

/**
 * The records an export holds: the fields people look for, flat and with the platform's own ids and
 * timestamps (ids always strings, times as YouTube wrote them, counts as numbers), plus `raw`, the API
 * object as it came. A field the answer lacks is null, so every record of a collection has the same keys.
 */

type Entry = Record<string, unknown>;

function at(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) current = asRecord(current)?.[key];
  return current;
}

function str(value: unknown, ...path: string[]): string | null {
  const found = at(value, path);
  return typeof found === 'string' ? found : null;
}

/** Counts arrive as strings of digits (`"viewCount": "1234"`) or numbers. */
function num(value: unknown, ...path: string[]): number | null {
  const found = at(value, path);
  if (typeof found === 'number' && Number.isFinite(found)) return found;
  if (typeof found === 'string' && /^\d+$/.test(found)) return Number(found);
  return null;
}

function bool(value: unknown, ...path: string[]): boolean | null {
  const found = at(value, path);
  return typeof found === 'boolean' ? found : null;
}

function strings(value: unknown, ...path: string[]): string[] {
  const found = at(value, path);
  return Array.isArray(found) ? found.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** A parsed JSON answer is JSON: this only tells the compiler so. */
function raw(entry: Entry): JsonObject {
  return entry as JsonObject;
}

const THUMBNAIL_SIZES = ['maxres', 'standard', 'high', 'medium', 'default'];

/** The largest thumbnail YouTube lists: maxres, standard, high, medium, default. */
export function bestThumbnail(thumbnails: unknown): string | null {
  for (const size of THUMBNAIL_SIZES) {
    const url = str(thumbnails, size, 'url');
    if (url) return url;
  }
  return null;
}

function image(url: string | null, kind: MediaReference['kind']): MediaReference[] {
  return url ? [{ url, kind }] : [];
}

function item(id: string, data: Record<string, JsonValue>, media: MediaReference[] = []): ExportItem {
  return media.length > 0 ? { id, data, media } : { id, data };
}

/** The account's channel (`profile`): its avatar and banner as media. */
export function channelRecord(channel: Entry): ExportItem {
  const id = str(channel, 'id') ?? '';
  const avatar = bestThumbnail(at(channel, ['snippet', 'thumbnails']));
  const banner = str(channel, 'brandingSettings', 'image', 'bannerExternalUrl');
  return item(
    id,
    {
      id,
      title: str(channel, 'snippet', 'title'),
      description: str(channel, 'snippet', 'description'),
      customUrl: str(channel, 'snippet', 'customUrl'),
      publishedAt: str(channel, 'snippet', 'publishedAt'),
      country: str(channel, 'snippet', 'country'),
      keywords: str(channel, 'brandingSettings', 'channel', 'keywords'),
      uploadsPlaylistId: str(channel, 'contentDetails', 'relatedPlaylists', 'uploads'),
      likesPlaylistId: str(channel, 'contentDetails', 'relatedPlaylists', 'likes'),
      viewCount: num(channel, 'statistics', 'viewCount'),
      subscriberCount: num(channel, 'statistics', 'subscriberCount'),
      hiddenSubscriberCount: bool(channel, 'statistics', 'hiddenSubscriberCount'),
      videoCount: num(channel, 'statistics', 'videoCount'),
      thumbnailUrl: avatar,
      bannerUrl: banner,
      raw: raw(channel),
    },
    [...image(avatar, 'image'), ...image(banner, 'image')],
  );
}

/**
 * One upload, from videos.list. Media: the best thumbnail, and the video file through yt-dlp
 * (`via: 'ytdlp'`) unless the video is private, which yt-dlp cannot open without the owner's browser
 * session, or not processed, which has no file to give.
 */
export function videoRecord(video: Entry, watchUrl: string): ExportItem {
  const id = str(video, 'id') ?? '';
  const thumbnail = bestThumbnail(at(video, ['snippet', 'thumbnails']));
  const privacyStatus = str(video, 'status', 'privacyStatus');
  const uploadStatus = str(video, 'status', 'uploadStatus');
  const url = watchPageUrl(watchUrl, id);
  const downloadable = privacyStatus !== 'private' && (uploadStatus === null || uploadStatus === 'processed');
  return item(
    id,
    {
      id,
      title: str(video, 'snippet', 'title'),
      description: str(video, 'snippet', 'description'),
      publishedAt: str(video, 'snippet', 'publishedAt'),
      channelId: str(video, 'snippet', 'channelId'),
      channelTitle: str(video, 'snippet', 'channelTitle'),
      tags: strings(video, 'snippet', 'tags'),
      categoryId: str(video, 'snippet', 'categoryId'),
      defaultLanguage: str(video, 'snippet', 'defaultLanguage'),
      defaultAudioLanguage: str(video, 'snippet', 'defaultAudioLanguage'),
      liveBroadcastContent: str(video, 'snippet', 'liveBroadcastContent'),
      duration: str(video, 'contentDetails', 'duration'),
      definition: str(video, 'contentDetails', 'definition'),
      caption: str(video, 'contentDetails', 'caption'),
      licensedContent: bool(video, 'contentDetails', 'licensedContent'),
      privacyStatus,
      uploadStatus,
      license: str(video, 'status', 'license'),
      embeddable: bool(video, 'status', 'embeddable'),
      publicStatsViewable: bool(video, 'status', 'publicStatsViewable'),
      madeForKids: bool(video, 'status', 'madeForKids'),
      viewCount: num(video, 'statistics', 'viewCount'),
      likeCount: num(video, 'statistics', 'likeCount'),
      commentCount: num(video, 'statistics', 'commentCount'),
      url,
      thumbnailUrl: thumbnail,
      raw: raw(video),
    },
    [...image(thumbnail, 'thumbnail'), ...(downloadable ? [{ url, kind: 'video' as const, via: 'ytdlp' as const }] : [])],
  );
}

/** `<watchUrl>?v=<id>`, whatever query the configured URL already has. */
export function watchPageUrl(watchUrl: string, videoId: string): string {
  const url = new URL(watchUrl);
  url.search = '';
  url.searchParams.set('v', videoId);
  return url.toString();
}

export function playlistRecord(playlist: Entry): ExportItem {
  const id = str(playlist, 'id') ?? '';
  const thumbnail = bestThumbnail(at(playlist, ['snippet', 'thumbnails']));
  return item(
    id,
    {
      id,
      title: str(playlist, 'snippet', 'title'),
      description: str(playlist, 'snippet', 'description'),
      publishedAt: str(playlist, 'snippet', 'publishedAt'),
      channelId: str(playlist, 'snippet', 'channelId'),
      channelTitle: str(playlist, 'snippet', 'channelTitle'),
      privacyStatus: str(playlist, 'status', 'privacyStatus'),
      itemCount: num(playlist, 'contentDetails', 'itemCount'),
      thumbnailUrl: thumbnail,
      raw: raw(playlist),
    },
    image(thumbnail, 'thumbnail'),
  );
}

/**
 * One entry of one of the user's playlists. The video may be anyone's, or deleted ("Deleted video"), so
 * no media: the user's own videos are in `videos` with theirs.
 */
export function playlistItemRecord(entry: Entry): ExportItem {
  const id = str(entry, 'id') ?? '';
  return item(id, {
    id,
    playlistId: str(entry, 'snippet', 'playlistId'),
    position: num(entry, 'snippet', 'position'),
    videoId: str(entry, 'contentDetails', 'videoId') ?? str(entry, 'snippet', 'resourceId', 'videoId'),
    title: str(entry, 'snippet', 'title'),
    description: str(entry, 'snippet', 'description'),
    addedAt: str(entry, 'snippet', 'publishedAt'),
    videoPublishedAt: str(entry, 'contentDetails', 'videoPublishedAt'),
    videoOwnerChannelId: str(entry, 'snippet', 'videoOwnerChannelId'),
    videoOwnerChannelTitle: str(entry, 'snippet', 'videoOwnerChannelTitle'),
    privacyStatus: str(entry, 'status', 'privacyStatus'),
    note: str(entry, 'contentDetails', 'note'),
    raw: raw(entry),
  });
}

/**
 * A comment on the channel's videos: a thread's top-level comment (`parentId` null, `totalReplyCount`
 * set, `raw` the thread without its embedded replies, which are records of their own) or a reply.
 */
export function commentRecord(comment: Entry, thread?: Entry): ExportItem {
  const id = str(comment, 'id') ?? '';
  const parentId = str(comment, 'snippet', 'parentId');
  let source: Entry = comment;
  if (thread) {
    const { replies: _embedded, ...rest } = thread;
    source = rest;
  }
  return item(id, {
    id,
    threadId: parentId ?? str(thread, 'id') ?? id,
    parentId,
    videoId: str(comment, 'snippet', 'videoId') ?? str(thread, 'snippet', 'videoId'),
    channelId: str(comment, 'snippet', 'channelId') ?? str(thread, 'snippet', 'channelId'),
    authorDisplayName: str(comment, 'snippet', 'authorDisplayName'),
    authorChannelId: str(comment, 'snippet', 'authorChannelId', 'value'),
    authorChannelUrl: str(comment, 'snippet', 'authorChannelUrl'),
    textDisplay: str(comment, 'snippet', 'textDisplay'),
    textOriginal: str(comment, 'snippet', 'textOriginal'),
    likeCount: num(comment, 'snippet', 'likeCount'),
    publishedAt: str(comment, 'snippet', 'publishedAt'),
    updatedAt: str(comment, 'snippet', 'updatedAt'),
    totalReplyCount: thread ? num(thread, 'snippet', 'totalReplyCount') : null,
    raw: raw(source),
  });
}

export function subscriptionRecord(subscription: Entry): ExportItem {
  const id = str(subscription, 'id') ?? '';
  return item(id, {
    id,
    channelId: str(subscription, 'snippet', 'resourceId', 'channelId'),
    title: str(subscription, 'snippet', 'title'),
    description: str(subscription, 'snippet', 'description'),
    subscribedAt: str(subscription, 'snippet', 'publishedAt'),
    totalItemCount: num(subscription, 'contentDetails', 'totalItemCount'),
    newItemCount: num(subscription, 'contentDetails', 'newItemCount'),
    activityType: str(subscription, 'contentDetails', 'activityType'),
    raw: raw(subscription),
  });
}

/** Readers the collections share with the records. */
export const read = { at, str, num };
