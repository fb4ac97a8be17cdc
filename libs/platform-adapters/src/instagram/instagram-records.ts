import type { ExportItem, JsonObject, JsonValue, MediaReference } from '../adapter/collection';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';

type Json = Record<string, unknown>;

const TYPES: Record<number, string> = { 1: 'image', 2: 'video', 8: 'carousel' };

/** Ids arrive as strings in current answers; older ones (and some nested users) still send numbers. */
export function idOf(value: unknown, key: string): string | undefined {
  const raw = asRecord(value)?.[key];
  if (typeof raw === 'string' && raw !== '') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  return undefined;
}

const iso = (seconds: number | undefined): string | null => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

/** The biggest rendition of a list, by area: the site lists them largest first, but that is not promised. */
function largest(list: unknown[] | undefined): string | undefined {
  let best: { url: string; area: number } | undefined;
  for (const entry of list ?? []) {
    const url = stringField(entry, 'url');
    const area = (numberField(entry, 'width') ?? 0) * (numberField(entry, 'height') ?? 0);
    if (url && (!best || area > best.area)) best = { url, area };
  }
  return best?.url;
}

const imageOf = (media: Json): string | undefined => largest(arrayField(asRecord(media.image_versions2), 'candidates'));
const videoOf = (media: Json): string | undefined => largest(arrayField(media, 'video_versions'));

/** The files of one media object: the largest image (a video's cover as a thumbnail) and the largest video. */
function files(media: Json): MediaReference[] {
  const image = imageOf(media);
  const video = videoOf(media);
  return [...(image ? [{ url: image, kind: video ? ('thumbnail' as const) : ('image' as const) }] : []), ...(video ? [{ url: video, kind: 'video' as const }] : [])];
}

const childrenOf = (media: Json): Json[] => (arrayField(media, 'carousel_media') ?? []).flatMap((child) => (asRecord(child) ? [asRecord(child) as Json] : []));

/** A post, reel, saved post, story or highlight item, with every carousel child, as the archive keeps it. */
export function mediaRecord(media: Json, webUrl: string, withMedia: boolean, extra: JsonObject = {}): ExportItem {
  const id = idOf(media, 'pk') ?? (stringField(media, 'id') ?? '').split('_')[0];
  const code = stringField(media, 'code') ?? null;
  const productType = stringField(media, 'product_type') ?? null;
  const user = asRecord(media.user);
  const location = asRecord(media.location);
  const children = childrenOf(media);
  const data: JsonObject = {
    id,
    code,
    url: code ? `${webUrl}/${productType === 'clips' ? 'reel' : 'p'}/${code}/` : null,
    type: TYPES[numberField(media, 'media_type') ?? 0] ?? 'unknown',
    productType,
    takenAt: iso(numberField(media, 'taken_at')),
    caption: stringField(asRecord(media.caption), 'text') ?? null,
    owner: stringField(user, 'username') ?? null,
    ownerId: idOf(user, 'pk') ?? null,
    likeCount: numberField(media, 'like_count') ?? null,
    commentCount: numberField(media, 'comment_count') ?? null,
    location: location
      ? { id: idOf(location, 'pk') ?? null, name: stringField(location, 'name') ?? null, lat: numberField(location, 'lat') ?? null, lng: numberField(location, 'lng') ?? null }
      : null,
    taggedUsers: (arrayField(asRecord(media.usertags), 'in') ?? []).flatMap((tag): JsonValue[] => {
      const name = stringField(asRecord(asRecord(tag)?.user), 'username');
      return name ? [name] : [];
    }),
    imageUrl: imageOf(media) ?? null,
    videoUrl: videoOf(media) ?? null,
    videoDuration: numberField(media, 'video_duration') ?? null,
    children: children.map((child) => ({
      id: idOf(child, 'pk') ?? null,
      type: TYPES[numberField(child, 'media_type') ?? 0] ?? 'unknown',
      imageUrl: imageOf(child) ?? null,
      videoUrl: videoOf(child) ?? null,
    })),
    ...extra,
  };
  const refs = withMedia ? (children.length > 0 ? children.flatMap(files) : files(media)) : [];
  return { id, data, ...(refs.length > 0 ? { media: refs } : {}) };
}

export function profileRecord(user: Json, webUrl: string, withMedia: boolean): ExportItem {
  const id = idOf(user, 'pk') as string;
  const username = stringField(user, 'username') ?? null;
  const avatar = stringField(asRecord(user.hd_profile_pic_url_info), 'url') ?? stringField(user, 'profile_pic_url');
  const data: JsonObject = {
    id,
    username,
    fullName: stringField(user, 'full_name') ?? null,
    biography: stringField(user, 'biography') ?? null,
    externalUrl: stringField(user, 'external_url') ?? null,
    url: username ? `${webUrl}/${username}/` : null,
    isPrivate: user.is_private === true,
    followerCount: numberField(user, 'follower_count') ?? null,
    followingCount: numberField(user, 'following_count') ?? null,
    mediaCount: numberField(user, 'media_count') ?? null,
    profilePicUrl: avatar ?? null,
  };
  return { id, data, ...(withMedia && avatar ? { media: [{ url: avatar, kind: 'image' as const }] } : {}) };
}

export function commentRecord(comment: Json, post: { id: string; url: JsonValue }, parentId: string | null): ExportItem | undefined {
  const id = idOf(comment, 'pk');
  if (!id) return undefined;
  const user = asRecord(comment.user);
  return {
    id,
    data: {
      id,
      postId: post.id,
      postUrl: post.url,
      parentId,
      text: stringField(comment, 'text') ?? null,
      createdAt: iso(numberField(comment, 'created_at')),
      author: stringField(user, 'username') ?? null,
      authorId: idOf(user, 'pk') ?? null,
      likeCount: numberField(comment, 'comment_like_count') ?? null,
      replyCount: numberField(comment, 'child_comment_count') ?? null,
    },
  };
}
