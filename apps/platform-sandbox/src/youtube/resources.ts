import { Rng, hash32 } from '../core/prng';
import type { Account } from '../synthetic/account';
import { youtubeOf, type PlaylistModel } from './youtube-account';
import type { SyntheticChannel, VideoFacts } from '../synthetic/channel';
import { etag, playlistItemId, replyId, subscriptionId } from '../synthetic/ids';
import { commentHtml, commentText, description as makeDescription, words } from '../synthetic/text';
import { Universe, VideoRef, relatedPhantomTag } from '../synthetic/universe';
import { avatarUrl, channelThumbnails, emptyPlaylistThumbnails, videoThumbnails } from './thumbnails';

/** Who is looking and which parts they asked for; resources only contain the requested parts. */
export interface View {
  base: string;
  viewer: Account | null;
  parts: ReadonlySet<string>;
  universe: Universe;
  textFormat: 'html' | 'plainText';
  /** A number that differs between part selections, mixed into etags. */
  partsKey: number;
}

type Json = Record<string, unknown>;

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const NS = { tags: 3, category: 4, fan: 0x46414e, likes: 0x4c4b, subs: 0x5355, playlistVideo: 0x5056, comment: 0x434d };
const CATEGORIES = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28'];
const PARTS_KEY = (view: View): number => view.partsKey;

export const ownsChannel = (view: View, channel: SyntheticChannel): boolean =>
  view.viewer !== null && !channel.isPhantom && view.viewer.tag === channel.tag;

/** ISO 8601 durations as YouTube writes them: PT4M13S, PT1H, P1DT2H3M4S, P0D. */
export function isoDuration(totalSeconds: number): string {
  if (totalSeconds === 0) return 'P0D';
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

// ---- channels ---------------------------------------------------------------------------------------

export function channelResource(view: View, channel: SyntheticChannel): Json {
  const p = channel.params;
  const owner = ownsChannel(view, channel);
  const resource: Json = { kind: 'youtube#channel', etag: etag(channel.tag, PARTS_KEY(view), p.videoCount), id: channel.id };
  // Channel creation times carry microseconds in the live API; naive parsers should cope.
  const created = iso(p.createdAtMs).replace('Z', `.${String(hash32(channel.tag) % 1_000_000).padStart(6, '0')}Z`);
  if (view.parts.has('snippet')) {
    resource.snippet = {
      title: p.title,
      description: p.description,
      customUrl: `@${p.handle}`,
      publishedAt: created,
      thumbnails: channelThumbnails(view.base, channel.id),
      localized: { title: p.title, description: p.description },
      ...(hash32(channel.tag, 7) % 3 === 0 ? {} : { country: ['US', 'DE', 'JP', 'BR', 'IN', 'EG', 'IL'][hash32(channel.tag, 8) % 7] }),
    };
  }
  if (view.parts.has('contentDetails')) {
    resource.contentDetails = { relatedPlaylists: { ...(owner ? { likes: 'LL' } : {}), uploads: channel.uploadsId } };
  }
  if (view.parts.has('statistics')) {
    const hidden = channel.isPhantom && hash32(channel.tag, 9) % 10 === 0;
    resource.statistics = {
      viewCount: String(p.videoCount * (hash32(channel.tag, 10) % 5000)),
      ...(hidden ? {} : { subscriberCount: String(hash32(channel.tag, 11) % 250_000) }),
      hiddenSubscriberCount: hidden,
      videoCount: String(p.videoCount),
    };
  }
  if (view.parts.has('status')) {
    resource.status = { privacyStatus: 'public', isLinked: true, longUploadsStatus: 'longUploadsUnspecified', madeForKids: false };
  }
  if (view.parts.has('brandingSettings')) {
    resource.brandingSettings = { channel: { title: p.title, description: p.description }, image: {} };
  }
  if (view.parts.has('topicDetails')) {
    resource.topicDetails = { topicCategories: ['https://en.wikipedia.org/wiki/Lifestyle_(sociology)'] };
  }
  if (view.parts.has('contentOwnerDetails')) resource.contentOwnerDetails = {};
  if (view.parts.has('localizations')) resource.localizations = {};
  if (view.parts.has('auditDetails') && owner) {
    resource.auditDetails = {
      overallGoodStanding: true,
      communityGuidelinesGoodStanding: true,
      copyrightStrikesGoodStanding: true,
      contentIdClaimsGoodStanding: true,
    };
  }
  return resource;
}

// ---- videos -----------------------------------------------------------------------------------------

/** Whether the viewer may see this video through videos.list at all. */
export function videoVisible(view: View, channel: SyntheticChannel, facts: VideoFacts): boolean {
  return !facts.deleted && (facts.privacy !== 'private' || ownsChannel(view, channel));
}

export function videoResource(view: View, ref: VideoRef): Json {
  const { channel, index } = ref;
  const facts = channel.videoFacts(index);
  const p = channel.params;
  const owner = ownsChannel(view, channel);
  const title = channel.videoTitle(index);
  const resource: Json = { kind: 'youtube#video', etag: etag(channel.tag, index, PARTS_KEY(view)), id: facts.id };
  const commentCount = facts.commentsDisabled ? null : channel.commentCount(index);
  if (view.parts.has('snippet')) {
    const desc = makeDescription(channel.videoRng(index, 2), p.hostileText);
    const rng = channel.videoRng(index, NS.tags);
    const tags = rng.chance(0.3) ? null : Array.from({ length: rng.between(1, 12) }, () => (rng.chance(0.1) ? 'tag, with "comma"' : words(rng, rng.between(1, 3))));
    resource.snippet = {
      publishedAt: iso(facts.publishedMs),
      channelId: channel.id,
      title,
      description: desc,
      thumbnails: videoThumbnails(view.base, channel, index, facts.hd),
      channelTitle: p.title,
      ...(tags ? { tags } : {}),
      categoryId: CATEGORIES[hash32(p.seed, index, NS.category) % CATEGORIES.length],
      liveBroadcastContent: 'none',
      localized: { title, description: desc },
      ...(rng.chance(0.6) ? { defaultAudioLanguage: rng.pick(['en', 'en-US', 'de', 'ja', 'ar', 'he', 'zxx']) } : {}),
    };
  }
  if (view.parts.has('contentDetails')) {
    resource.contentDetails = {
      duration: isoDuration(facts.durationSeconds),
      dimension: '2d',
      definition: facts.hd ? 'hd' : 'sd',
      caption: hash32(p.seed, index, 5) % 7 === 0 ? 'true' : 'false',
      licensedContent: false,
      contentRating: {},
      projection: 'rectangular',
    };
  }
  if (view.parts.has('status')) {
    resource.status = {
      uploadStatus: 'processed',
      privacyStatus: facts.privacy,
      license: 'youtube',
      embeddable: true,
      publicStatsViewable: true,
      madeForKids: false,
    };
  }
  if (view.parts.has('statistics')) {
    resource.statistics = {
      viewCount: String(facts.viewCount),
      ...(facts.likesHidden ? {} : { likeCount: String(facts.likeCount) }),
      favoriteCount: '0',
      ...(commentCount === null ? {} : { commentCount: String(commentCount) }),
    };
  }
  if (view.parts.has('player')) {
    const host = view.base.replace(/^https?:/, '');
    resource.player = {
      embedHtml: `<iframe width="480" height="270" src="${host}/embed/${facts.id}" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>`,
    };
  }
  if (view.parts.has('topicDetails')) resource.topicDetails = { topicCategories: ['https://en.wikipedia.org/wiki/Entertainment'] };
  if (view.parts.has('recordingDetails')) resource.recordingDetails = {};
  if (view.parts.has('localizations')) resource.localizations = {};
  if (view.parts.has('paidProductPlacementDetails')) resource.paidProductPlacementDetails = { hasPaidProductPlacement: false };
  // Owner-only parts are silently left out for other viewers, as the live API does.
  if (owner && view.parts.has('fileDetails')) {
    resource.fileDetails = {
      fileName: `${title}.mp4`,
      fileSize: String(facts.durationSeconds * 250_000),
      fileType: 'video',
      container: 'mov',
      durationMs: String(facts.durationSeconds * 1000),
      creationTime: iso(facts.publishedMs - 3_600_000),
    };
  }
  if (owner && view.parts.has('processingDetails')) {
    resource.processingDetails = {
      processingStatus: 'succeeded',
      fileDetailsAvailability: 'available',
      processingIssuesAvailability: 'available',
      tagSuggestionsAvailability: 'available',
      editorSuggestionsAvailability: 'available',
      thumbnailsAvailability: 'available',
    };
  }
  if (owner && view.parts.has('suggestions')) resource.suggestions = { tagSuggestions: [] };
  return resource;
}

// ---- playlists --------------------------------------------------------------------------------------

/** The video at a position of a user playlist or of the likes list; some are deleted or private. */
export function playlistVideo(account: Account, kind: 'likes' | 'custom', playlist: number, position: number): VideoRef | null {
  const own = youtubeOf(account).channel;
  const h = hash32(account.tag, playlist, position, kind === 'likes' ? NS.likes : NS.playlistVideo);
  if (kind === 'custom' && own && own.videoCount > 0 && h % 3 === 0) return { channel: own, index: (h >>> 2) % own.videoCount };
  return null;
}

export function phantomVideoTag(account: Account, kind: 'likes' | 'custom', playlist: number, position: number): { tag: number; pick: number } {
  const h = hash32(account.tag, playlist, position, kind === 'likes' ? NS.likes : NS.playlistVideo, 1);
  return { tag: relatedPhantomTag(account.tag, kind === 'likes' ? NS.likes : NS.playlistVideo, h % 64), pick: h >>> 6 };
}

export function playlistResource(view: View, account: Account, model: PlaylistModel): Json {
  const channel = youtubeOf(account).channel as SyntheticChannel;
  const resource: Json = { kind: 'youtube#playlist', etag: etag(account.tag, model.index, model.size, PARTS_KEY(view)), id: model.id };
  if (view.parts.has('snippet')) {
    const first = model.size > 0 ? playlistEntry(view, account, 'custom', model.index, 0) : null;
    resource.snippet = {
      publishedAt: iso(model.publishedMs),
      channelId: channel.id,
      title: model.title,
      description: model.description,
      thumbnails: first?.visible ? videoThumbnails(view.base, first.ref.channel, first.ref.index, false) : emptyPlaylistThumbnails(view.base),
      channelTitle: channel.params.title,
      localized: { title: model.title, description: model.description },
    };
  }
  if (view.parts.has('status')) resource.status = { privacyStatus: model.privacy };
  if (view.parts.has('contentDetails')) resource.contentDetails = { itemCount: model.size };
  if (view.parts.has('player')) {
    const host = view.base.replace(/^https?:/, '');
    resource.player = {
      embedHtml: `<iframe width="640" height="360" src="${host}/embed/videoseries?list=${model.id}" frameborder="0" allow="autoplay; encrypted-media" allowfullscreen></iframe>`,
    };
  }
  if (view.parts.has('localizations')) resource.localizations = {};
  return resource;
}

interface Entry {
  ref: VideoRef;
  facts: VideoFacts;
  visible: boolean;
}

/** Resolves a position of a likes or custom playlist to a video, deleted and private ones included. */
export function playlistEntry(view: View, account: Account, kind: 'likes' | 'custom', playlist: number, position: number): Entry | null {
  let ref = playlistVideo(account, kind, playlist, position);
  if (!ref) {
    const { tag, pick } = phantomVideoTag(account, kind, playlist, position);
    const channel = view.universe.channelForTag(tag);
    if (!channel || channel.videoCount === 0) return null;
    ref = { channel, index: pick % channel.videoCount };
  }
  const facts = ref.channel.videoFacts(ref.index);
  return { ref, facts, visible: videoVisible(view, ref.channel, facts) };
}

interface PlaylistItemInput {
  playlistId: string;
  owner: SyntheticChannel;
  position: number;
  addedMs: number;
  entry: Entry;
  uploads: boolean;
}

export function playlistItemResource(view: View, input: PlaylistItemInput): Json {
  const { entry, owner } = input;
  const { channel, index } = entry.ref;
  const id = playlistItemId(input.playlistId, input.position, input.uploads ? entry.facts.id : undefined);
  const resource: Json = { kind: 'youtube#playlistItem', etag: etag(owner.tag, input.position, index, PARTS_KEY(view)), id };
  const unavailable = entry.facts.deleted ? 'deleted' : entry.visible ? null : 'private';
  if (view.parts.has('snippet')) {
    const title = unavailable === 'deleted' ? 'Deleted video' : unavailable === 'private' ? 'Private video' : channel.videoTitle(index);
    resource.snippet = {
      publishedAt: iso(input.addedMs),
      channelId: owner.id,
      title,
      description: unavailable === 'deleted' ? 'This video is unavailable.' : unavailable === 'private' ? 'This video is private.' : makeDescription(channel.videoRng(index, 2), channel.params.hostileText),
      thumbnails: unavailable ? {} : videoThumbnails(view.base, channel, index, entry.facts.hd),
      channelTitle: owner.params.title,
      playlistId: input.playlistId,
      position: input.position,
      resourceId: { kind: 'youtube#video', videoId: entry.facts.id },
      ...(unavailable ? {} : { videoOwnerChannelTitle: channel.params.title, videoOwnerChannelId: channel.id }),
    };
  }
  if (view.parts.has('contentDetails')) {
    resource.contentDetails = unavailable ? { videoId: entry.facts.id } : { videoId: entry.facts.id, videoPublishedAt: iso(entry.facts.publishedMs) };
  }
  if (view.parts.has('status')) {
    resource.status = { privacyStatus: unavailable === 'deleted' ? 'privacyStatusUnspecified' : entry.facts.privacy };
  }
  return resource;
}

/** When a video was added to a likes or custom playlist: after it was published, before "now". */
export function addedToPlaylistMs(account: Account, playlist: number, position: number, publishedMs: number): number {
  const ms = publishedMs + (hash32(account.tag, playlist, position, 0x4144) % (400 * 86_400)) * 1000;
  return ms - (ms % 1000);
}

// ---- subscriptions ----------------------------------------------------------------------------------

export function subscriptionChannel(view: View, account: Account, j: number): SyntheticChannel {
  return view.universe.channelForTag(relatedPhantomTag(account.tag, NS.subs, j)) as SyntheticChannel;
}

export function subscriptionResource(view: View, account: Account, j: number): Json {
  const target = subscriptionChannel(view, account, j);
  const owner = youtubeOf(account).channel as SyntheticChannel;
  const resource: Json = { kind: 'youtube#subscription', etag: etag(account.tag, j, PARTS_KEY(view)), id: subscriptionId(account.tag, j) };
  if (view.parts.has('snippet')) {
    const subscribedMs = owner.params.createdAtMs + (hash32(account.tag, j, 0x5355) % (3000 * 86_400)) * 1000;
    resource.snippet = {
      publishedAt: new Date(subscribedMs).toISOString(),
      title: target.params.title,
      description: target.params.description,
      resourceId: { kind: 'youtube#channel', channelId: target.id },
      channelId: owner.id,
      thumbnails: channelThumbnails(view.base, target.id),
    };
  }
  if (view.parts.has('contentDetails')) {
    resource.contentDetails = { totalItemCount: target.videoCount, newItemCount: 0, activityType: 'all' };
  }
  if (view.parts.has('subscriberSnippet')) {
    resource.subscriberSnippet = {
      title: owner.params.title,
      description: owner.params.description,
      channelId: owner.id,
      thumbnails: channelThumbnails(view.base, owner.id),
    };
  }
  return resource;
}

// ---- comments ---------------------------------------------------------------------------------------

/** Embedded replies in a thread are a subset: at most this many, newest first. */
export const EMBEDDED_REPLIES = 5;

function author(view: View, channel: SyntheticChannel, thread: number, reply: number): SyntheticChannel {
  // Some replies come from the channel owner, the rest from a pool of phantom fans.
  if (reply >= 0 && hash32(channel.tag, thread, reply, 0x4f57) % 5 === 0) return channel;
  const fan = relatedPhantomTag(channel.tag, NS.fan, hash32(channel.tag, thread, reply, NS.fan) % 997);
  return view.universe.channelForTag(fan) as SyntheticChannel;
}

/** A top-level comment (reply = -1) or one reply of a thread. */
export function commentResource(view: View, channel: SyntheticChannel, thread: number, reply: number): Json {
  const place = channel.locateThread(thread);
  if (!place) throw new Error(`thread ${thread} does not exist`);
  const threadMs = channel.threadPublishedMs(place.video, place.k);
  const replies = channel.replyCount(thread);
  const publishedMs = reply < 0 ? threadMs : channel.replyPublishedMs(threadMs, thread, reply, replies);
  const id = reply < 0 ? channel.threadId(thread) : replyId(channel.tag, thread, reply);
  const resource: Json = { kind: 'youtube#comment', etag: etag(channel.tag, thread, reply, PARTS_KEY(view)), id };
  if (view.parts.has('snippet')) {
    const rng = new Rng(hash32(channel.params.seed, thread, reply, NS.comment));
    const text = commentText(rng, channel.params.hostileText);
    const by = author(view, channel, thread, reply);
    const edited = rng.chance(0.1);
    resource.snippet = {
      channelId: channel.id,
      videoId: channel.videoId(place.video),
      textDisplay: view.textFormat === 'html' ? commentHtml(text) : text,
      textOriginal: text,
      ...(reply >= 0 ? { parentId: channel.threadId(thread) } : {}),
      authorDisplayName: `@${by.params.handle}`,
      authorProfileImageUrl: avatarUrl(view.base, by.id, 88),
      authorChannelUrl: `http://www.youtube.com/@${by.params.handle}`,
      authorChannelId: { value: by.id },
      canRate: true,
      viewerRating: 'none',
      likeCount: Math.floor(rng.float() ** 4 * 5000),
      publishedAt: iso(publishedMs),
      updatedAt: iso(edited ? publishedMs + rng.between(60, 86_400) * 1000 : publishedMs),
    };
  }
  return resource;
}

export function commentThreadResource(view: View, channel: SyntheticChannel, thread: number): Json {
  const place = channel.locateThread(thread);
  if (!place) throw new Error(`thread ${thread} does not exist`);
  const replies = channel.replyCount(thread);
  const resource: Json = { kind: 'youtube#commentThread', etag: etag(channel.tag, thread, PARTS_KEY(view), 1), id: channel.threadId(thread) };
  const commentView: View = { ...view, parts: new Set(['snippet']), partsKey: view.partsKey + 1 };
  if (view.parts.has('snippet')) {
    resource.snippet = {
      channelId: channel.id,
      videoId: channel.videoId(place.video),
      topLevelComment: commentResource(commentView, channel, thread, -1),
      canReply: true,
      totalReplyCount: replies,
      isPublic: true,
    };
  }
  if (view.parts.has('replies') && replies > 0) {
    resource.replies = {
      comments: Array.from({ length: Math.min(EMBEDDED_REPLIES, replies) }, (_, r) => commentResource(commentView, channel, thread, r)),
    };
  }
  return resource;
}
