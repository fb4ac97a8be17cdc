import type { ExportItem, JsonObject, JsonValue, MediaReference } from '../adapter/collection';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';

/** Meta writes `2026-04-30T18:00:00+0000`; records keep ISO 8601 UTC. Null when absent or unreadable. */
export function isoTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

const text = (value: unknown, key: string): string | null => stringField(value, key) ?? null;

/** The raw answer as JSON (it came from JSON, so this only narrows the type). */
const raw = (object: Record<string, unknown>): JsonObject => object as JsonObject;

/** The largest rendition of a photo's `images` (Meta lists several sizes, not always largest first). */
export function largestImage(object: unknown): { source: string; width: number; height: number } | undefined {
  let best: { source: string; width: number; height: number } | undefined;
  for (const image of arrayField(object, 'images') ?? []) {
    const source = stringField(image, 'source');
    const width = numberField(image, 'width') ?? 0;
    const height = numberField(image, 'height') ?? 0;
    if (source && (!best || width * height > best.width * best.height)) best = { source, width, height };
  }
  return best;
}

function placeOf(object: unknown): JsonValue {
  const place = asRecord(asRecord(object)?.place);
  if (!place) return null;
  const location = asRecord(place.location);
  return {
    id: text(place, 'id'),
    name: text(place, 'name'),
    city: text(location, 'city'),
    country: text(location, 'country'),
    latitude: numberField(location, 'latitude') ?? null,
    longitude: numberField(location, 'longitude') ?? null,
  };
}

function attachmentOf(attachment: unknown): JsonObject {
  const media = asRecord(asRecord(attachment)?.media);
  return {
    type: text(attachment, 'type'),
    mediaType: text(attachment, 'media_type'),
    url: text(attachment, 'url'),
    title: text(attachment, 'title'),
    description: text(attachment, 'description'),
    imageUrl: text(asRecord(media?.image), 'src'),
    targetId: text(asRecord(asRecord(attachment)?.target), 'id'),
  };
}

export function profileRecord(me: Record<string, unknown>): ExportItem {
  const picture = text(asRecord(asRecord(me.picture)?.data), 'url');
  return {
    id: String(me.id),
    data: {
      name: text(me, 'name'),
      firstName: text(me, 'first_name'),
      lastName: text(me, 'last_name'),
      email: text(me, 'email'),
      link: text(me, 'link'),
      pictureUrl: picture,
      raw: raw(me),
    },
    ...(picture ? { media: [{ url: picture, kind: 'image' }] } : {}),
  };
}

/** A post with its attachments and their sub-attachments flattened; every attachment image is media. */
export function postRecord(post: Record<string, unknown>): ExportItem {
  const attachments: JsonObject[] = [];
  for (const attachment of arrayField(asRecord(post.attachments), 'data') ?? []) {
    const subs = (arrayField(asRecord(asRecord(attachment)?.subattachments), 'data') ?? []).map(attachmentOf);
    attachments.push({ ...attachmentOf(attachment), subattachments: subs });
  }
  const images = new Set<string>();
  for (const attachment of attachments) {
    const subs = attachment.subattachments as JsonObject[];
    // An album attachment's own image repeats its first sub-attachment's.
    for (const entry of subs.length > 0 ? subs : [attachment]) if (typeof entry.imageUrl === 'string') images.add(entry.imageUrl);
  }
  return {
    id: String(post.id),
    data: {
      createdTime: isoTime(post.created_time),
      updatedTime: isoTime(post.updated_time),
      message: text(post, 'message'),
      story: text(post, 'story'),
      statusType: text(post, 'status_type'),
      permalinkUrl: text(post, 'permalink_url'),
      place: placeOf(post),
      attachments,
      raw: raw(post),
    },
    media: [...images].map((url): MediaReference => ({ url, kind: 'image' })),
  };
}

export function photoRecord(photo: Record<string, unknown>): ExportItem {
  const image = largestImage(photo);
  const album = asRecord(photo.album);
  return {
    id: String(photo.id),
    data: {
      name: text(photo, 'name'),
      createdTime: isoTime(photo.created_time),
      albumId: text(album, 'id'),
      albumName: text(album, 'name'),
      from: text(asRecord(photo.from), 'name'),
      link: text(photo, 'link'),
      place: placeOf(photo),
      imageUrl: image?.source ?? null,
      width: image?.width ?? null,
      height: image?.height ?? null,
      raw: raw(photo),
    },
    media: image ? [{ url: image.source, kind: 'image' }] : [],
  };
}

export function albumRecord(album: Record<string, unknown>, photoIds: string[]): ExportItem {
  return {
    id: String(album.id),
    data: {
      name: text(album, 'name'),
      description: text(album, 'description'),
      createdTime: isoTime(album.created_time),
      count: numberField(album, 'count') ?? null,
      link: text(album, 'link'),
      photoIds,
      raw: raw(album),
    },
  };
}

export function videoRecord(video: Record<string, unknown>): ExportItem {
  const source = text(video, 'source');
  const picture = text(video, 'picture');
  const media: MediaReference[] = [];
  if (source) media.push({ url: source, kind: 'video' });
  if (picture) media.push({ url: picture, kind: 'thumbnail' });
  return {
    id: String(video.id),
    data: {
      title: text(video, 'title'),
      description: text(video, 'description'),
      createdTime: isoTime(video.created_time),
      lengthSeconds: numberField(video, 'length') ?? null,
      permalinkUrl: text(video, 'permalink_url'),
      raw: raw(video),
    },
    media,
  };
}

export function likeRecord(page: Record<string, unknown>): ExportItem {
  return { id: String(page.id), data: { name: text(page, 'name'), createdTime: isoTime(page.created_time), raw: raw(page) } };
}

export function friendRecord(friend: Record<string, unknown>): ExportItem {
  return { id: String(friend.id), data: { name: text(friend, 'name'), raw: raw(friend) } };
}
