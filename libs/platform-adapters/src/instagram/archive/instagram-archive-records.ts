import type { ExportItem, JsonObject, MediaReference } from '../../adapter/collection';
import { contentId, fromSeconds, type MetaMediaIndex } from '../../archive/meta-archive';
import { arrayField, asRecord, jsonValue, numberField, stringField } from '../../json-shape';

type Json = Record<string, unknown>;

const entries = (value: unknown, key: string): Json[] => (arrayField(value, key) ?? []).flatMap((entry) => (asRecord(entry) ? [asRecord(entry) as Json] : []));

/** `string_map_data.<Label>.value` (or `.timestamp`), the DYI's way of writing a labelled field. */
const labelled = (item: unknown, label: string): Json | undefined => asRecord(asRecord(asRecord(item)?.string_map_data)?.[label]);

/** The profile record of the Instagram adapter, from `personal_information.json`'s `profile_user[0]`. */
export function archiveProfileRecord(file: unknown, webUrl: string, media: MetaMediaIndex): ExportItem {
  const user = entries(file, 'profile_user')[0] ?? {};
  const username = stringField(labelled(user, 'Username'), 'value') ?? null;
  const picture = media.reference(stringField(asRecord(user.media_map_data)?.['Profile Photo'], 'uri'));
  const id = username ?? 'instagram-archive';
  const data: JsonObject = {
    id,
    username,
    fullName: stringField(labelled(user, 'Name'), 'value') ?? null,
    biography: stringField(labelled(user, 'Bio'), 'value') ?? null,
    externalUrl: stringField(labelled(user, 'Website'), 'value') ?? null,
    url: username ? `${webUrl}/${username}/` : null,
    isPrivate: stringField(labelled(user, 'Private Account'), 'value') === 'True',
    followerCount: null,
    followingCount: null,
    mediaCount: null,
    profilePicUrl: picture?.url ?? null,
    source: 'archive',
  };
  return { id, data, ...(picture ? { media: [picture] } : {}) };
}

/**
 * A post, story or reel in the adapter's media shape. The DYI keeps neither the post's id nor its code:
 * the id is the first file's name (Meta names files by their media id), children are the other files.
 */
export function archiveMediaRecord(item: Json, productType: 'feed' | 'story' | 'clips', media: MetaMediaIndex): ExportItem {
  const files = entries(item, 'media');
  const parts = files.length > 0 ? files : [item];
  const first = parts[0];
  const uri = stringField(first, 'uri');
  const id = uri ? uri.slice(uri.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '') : contentId(first.creation_timestamp, item);
  const refs = parts.map((part) => media.reference(stringField(part, 'uri'))).filter((ref): ref is MediaReference => ref !== undefined);
  const kindOf = (ref: MediaReference | undefined): string => (ref?.kind === 'video' ? 'video' : 'image');
  return {
    id,
    data: {
      id,
      code: null,
      url: null,
      type: parts.length > 1 ? 'carousel' : kindOf(refs[0]),
      productType,
      takenAt: fromSeconds(item.creation_timestamp ?? first.creation_timestamp),
      caption: stringField(item, 'title') || stringField(first, 'title') || null,
      owner: null,
      ownerId: null,
      likeCount: null,
      commentCount: null,
      location: null,
      taggedUsers: [],
      imageUrl: refs.find((ref) => ref.kind === 'image')?.url ?? null,
      videoUrl: refs.find((ref) => ref.kind === 'video')?.url ?? null,
      videoDuration: null,
      children: parts.length > 1 ? parts.map((part, index) => ({ id: null, type: kindOf(refs[index]), imageUrl: refs[index]?.kind === 'image' ? refs[index].url : null, videoUrl: refs[index]?.kind === 'video' ? refs[index].url : null })) : [],
      source: 'archive',
      raw: jsonValue(item),
    },
    ...(refs.length > 0 ? { media: refs } : {}),
  };
}

/** A comment the user wrote, in the adapter's comment shape: the DYI names the post's owner, not the post. */
export function archiveCommentRecord(item: Json, kind: 'post' | 'reel'): ExportItem {
  const time = numberField(labelled(item, 'Time'), 'timestamp');
  const id = contentId(time, item);
  return {
    id,
    data: {
      id,
      postId: null,
      postUrl: null,
      parentId: null,
      text: stringField(labelled(item, 'Comment'), 'value') ?? null,
      createdAt: fromSeconds(time),
      author: null,
      authorId: null,
      likeCount: null,
      replyCount: null,
      mediaOwner: stringField(labelled(item, 'Media Owner'), 'value') ?? null,
      on: kind,
      source: 'archive',
    },
  };
}

/** A follower or a followed account: older exports put the username in `value`, 2024's in `title`. */
export function archiveConnectionRecord(item: Json, relation: 'follower' | 'following'): ExportItem | undefined {
  const entry = entries(item, 'string_list_data')[0];
  const href = stringField(entry, 'href') ?? null;
  const username = stringField(entry, 'value') || stringField(item, 'title') || href?.replace(/\/+$/, '').split('/').pop();
  if (!username) return undefined;
  return { id: username, data: { username, url: href, relation, since: fromSeconds(entry?.timestamp) } };
}
