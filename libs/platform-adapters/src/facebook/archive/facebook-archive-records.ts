import type { ExportItem, JsonObject, MediaReference } from '../../adapter/collection';
import { contentId, fromMillis, fromSeconds, type MetaMediaIndex, type ThreadMessage } from '../../archive/meta-archive';
import { arrayField, asRecord, jsonValue, numberField, stringField } from '../../json-shape';

type Json = Record<string, unknown>;

const text = (value: unknown, key: string): string | null => stringField(value, key) ?? null;
const entries = (value: unknown, key: string): Json[] => (arrayField(value, key) ?? []).flatMap((entry) => (asRecord(entry) ? [asRecord(entry) as Json] : []));
const mediaOf = (refs: (MediaReference | undefined)[]): MediaReference[] => refs.filter((ref): ref is MediaReference => ref !== undefined);

/** The profile record of the Facebook adapter, from `profile_information.json` (`profile_v2`, older `profile`). */
export function archiveProfileRecord(file: unknown, media: MetaMediaIndex): ExportItem {
  const profile = asRecord(asRecord(file)?.profile_v2) ?? asRecord(asRecord(file)?.profile) ?? {};
  const name = asRecord(profile.name);
  const link = text(profile, 'profile_uri');
  const picture = media.reference(stringField(asRecord(profile.profile_picture), 'uri'));
  return {
    id: profileId(profile),
    data: {
      name: text(name, 'full_name'),
      firstName: text(name, 'first_name'),
      lastName: text(name, 'last_name'),
      email: (arrayField(asRecord(profile.emails), 'emails') ?? []).find((email): email is string => typeof email === 'string') ?? null,
      link,
      pictureUrl: picture?.url ?? null,
      source: 'archive',
      raw: jsonValue(profile),
    },
    ...(picture ? { media: [picture] } : {}),
  };
}

/** The DYI names no numeric id: the profile link's last segment (username or `id=`), else the full name. */
export function profileId(profile: Json): string {
  const link = stringField(profile, 'profile_uri');
  const fromLink = link ? (/[?&]id=(\d+)/.exec(link)?.[1] ?? link.replace(/\/+$/, '').split('/').pop()) : undefined;
  return fromLink || stringField(asRecord(profile.name), 'full_name') || 'facebook-archive';
}

/**
 * When the photo was taken: the DYI strips EXIF from the files but keeps it in `media_metadata`
 * (`photo_metadata.taken_timestamp`, or in `exif_data[]` in later exports).
 */
function takenTime(file: Json): string | null {
  const metadata = asRecord(asRecord(file.media_metadata)?.photo_metadata);
  const exif = entries(metadata, 'exif_data').find((entry) => entry.taken_timestamp !== undefined);
  return fromSeconds(metadata?.taken_timestamp ?? exif?.taken_timestamp);
}

/** One attachment element (`{media}`, `{place}`, `{external_context}`, `{life_event}`) in the adapter's attachment shape. */
function attachmentOf(element: Json, media: MetaMediaIndex): { attachment: JsonObject; file?: MediaReference } {
  const file = asRecord(element.media);
  if (file) {
    const ref = media.reference(stringField(file, 'uri'));
    return {
      attachment: {
        type: 'media',
        mediaType: ref?.kind === 'video' ? 'video' : 'photo',
        url: null,
        title: text(file, 'title'),
        description: text(file, 'description'),
        imageUrl: ref?.url ?? text(file, 'uri'),
        targetId: null,
        createdTime: fromSeconds(file.creation_timestamp),
        takenTime: takenTime(file),
        subattachments: [],
      },
      file: ref,
    };
  }
  const place = asRecord(element.place);
  const external = asRecord(element.external_context);
  const life = asRecord(element.life_event);
  return {
    attachment: {
      type: place ? 'place' : external ? 'share' : life ? 'life_event' : 'other',
      mediaType: null,
      url: text(external, 'url') ?? text(place, 'url'),
      title: text(place, 'name') ?? text(external, 'name') ?? text(life, 'title'),
      description: text(place, 'address'),
      imageUrl: null,
      targetId: null,
      subattachments: [],
    },
  };
}

/** A post of `your_posts…_N.json` in the Facebook adapter's post shape; its photos and videos are linked. */
export function archivePostRecord(post: Json, media: MetaMediaIndex): ExportItem {
  const attachments: JsonObject[] = [];
  const files: (MediaReference | undefined)[] = [];
  for (const attachment of entries(post, 'attachments')) {
    for (const element of entries(attachment, 'data')) {
      const { attachment: shaped, file } = attachmentOf(element, media);
      attachments.push(shaped);
      files.push(file);
    }
  }
  const message = entries(post, 'data').map((entry) => stringField(entry, 'post')).find((value) => value !== undefined) ?? null;
  const place = entries(post, 'attachments').flatMap((a) => entries(a, 'data')).map((e) => asRecord(e.place)).find(Boolean);
  const coordinate = asRecord(place?.coordinate);
  return {
    id: contentId(post.timestamp, post),
    data: {
      createdTime: fromSeconds(post.timestamp),
      updatedTime: fromSeconds(entries(post, 'data').map((entry) => entry.update_timestamp).find((value) => value !== undefined)),
      message,
      story: text(post, 'title'),
      statusType: null,
      permalinkUrl: null,
      place: place
        ? { id: null, name: text(place, 'name'), city: null, country: null, latitude: numberField(coordinate, 'latitude') ?? null, longitude: numberField(coordinate, 'longitude') ?? null }
        : null,
      attachments,
      source: 'archive',
      raw: jsonValue(post),
    },
    media: mediaOf(files),
  };
}

/** A photo of an album file or `your_uncategorized_photos.json`, in the adapter's photo shape. */
export function archivePhotoRecord(photo: Json, album: { name: string | null; id: string | null }, media: MetaMediaIndex): ExportItem {
  const ref = media.reference(stringField(photo, 'uri'));
  return {
    id: contentId(photo.creation_timestamp, stringField(photo, 'uri') ?? photo),
    data: {
      name: text(photo, 'title') ?? text(photo, 'description'),
      createdTime: fromSeconds(photo.creation_timestamp),
      albumId: album.id,
      albumName: album.name,
      from: null,
      link: null,
      place: null,
      imageUrl: ref?.url ?? text(photo, 'uri'),
      width: null,
      height: null,
      description: text(photo, 'description'),
      source: 'archive',
      raw: jsonValue(photo),
    },
    media: mediaOf([ref]),
  };
}

/** A video of `your_videos.json` (`videos_v2`), in the adapter's video shape. */
export function archiveVideoRecord(video: Json, media: MetaMediaIndex): ExportItem {
  const ref = media.reference(stringField(video, 'uri'));
  const thumbnail = media.reference(stringField(asRecord(video.thumbnail), 'uri'));
  return {
    id: contentId(video.creation_timestamp, stringField(video, 'uri') ?? video),
    data: {
      title: text(video, 'title'),
      description: text(video, 'description'),
      createdTime: fromSeconds(video.creation_timestamp),
      lengthSeconds: null,
      permalinkUrl: null,
      source: 'archive',
      raw: jsonValue(video),
    },
    media: mediaOf([ref, thumbnail ? { ...thumbnail, kind: 'thumbnail' } : undefined]),
  };
}

/** A comment the user wrote (`comments_v2`, older `comments`): the DYI keeps the text and where, not the post id. */
export function archiveCommentRecord(entry: Json): ExportItem {
  const comment = entries(entry, 'data').map((data) => asRecord(data.comment)).find(Boolean) ?? {};
  return {
    id: contentId(entry.timestamp, entry),
    data: {
      createdTime: fromSeconds(comment.timestamp ?? entry.timestamp),
      text: text(comment, 'comment'),
      author: text(comment, 'author'),
      group: text(comment, 'group'),
      title: text(entry, 'title'),
      raw: jsonValue(entry),
    },
  };
}

/** A reaction the user gave (`LIKE`, `LOVE`, …) and on what, as the DYI's title says it. */
export function archiveReactionRecord(entry: Json): ExportItem {
  const reaction = entries(entry, 'data').map((data) => asRecord(data.reaction)).find(Boolean) ?? {};
  return {
    id: contentId(entry.timestamp, entry),
    data: {
      createdTime: fromSeconds(entry.timestamp),
      reaction: text(reaction, 'reaction'),
      actor: text(reaction, 'actor'),
      title: text(entry, 'title'),
      raw: jsonValue(entry),
    },
  };
}

const ATTACHED = ['photos', 'gifs', 'videos', 'audio_files', 'files'];

/**
 * One Messenger (or Instagram Direct) message. Meta gives no message ids: a message is its thread, its
 * millisecond and its rank among messages of that millisecond. Photos, videos, audio and files are linked.
 */
export function archiveMessageRecord(entry: ThreadMessage, media: MetaMediaIndex): ExportItem {
  const { message } = entry;
  const files: MediaReference[] = [];
  for (const key of ATTACHED) {
    for (const file of entries(message, key)) {
      const ref = media.reference(stringField(file, 'uri'));
      if (ref) files.push(ref);
    }
  }
  const sticker = media.reference(stringField(asRecord(message.sticker), 'uri'));
  if (sticker) files.push(sticker);
  const share = asRecord(message.share);
  const ms = numberField(message, 'timestamp_ms') ?? 0;
  return {
    id: `${entry.thread}:${ms}${entry.sameMillisecond > 0 ? `:${entry.sameMillisecond}` : ''}`,
    data: {
      threadId: entry.thread,
      threadTitle: entry.title,
      participants: entry.participants,
      sender: text(message, 'sender_name'),
      text: text(message, 'content'),
      createdAt: fromMillis(ms),
      type: text(message, 'type'),
      shareUrl: text(share, 'link'),
      reactions: entries(message, 'reactions').map((reaction) => ({ reaction: text(reaction, 'reaction'), actor: text(reaction, 'actor') })),
      unsent: message.is_unsent === true,
      source: 'archive',
    },
    ...(files.length > 0 ? { media: files } : {}),
  };
}
