import { decode64, encode64, filler } from '../core/codec';
import { hash32 } from '../core/prng';

/**
 * Id formats. A channel "tag" is a 24-bit number: accounts get one from their seed, bit 23 marks
 * phantom channels (the uploaders of liked videos, subscriptions and commenters) whose whole content
 * derives from the tag. Every id below decodes back to its coordinates.
 */
export const PHANTOM_BIT = 0x800000;
export const TAG_MASK = 0xffffff;
export const MAX_VIDEOS = 0xffffff;

const check16 = (...words: number[]): number => hash32(...words) & 0xffff;

export function videoId(tag: number, index: number): string {
  return encode64({
    hi: ((tag << 8) | (index >>> 16)) >>> 0,
    lo: (((index & 0xffff) << 16) | check16(tag, index, 0x5649)) >>> 0,
  });
}

export function decodeVideoId(id: string): { tag: number; index: number } | null {
  const word = decode64(id);
  if (!word) return null;
  const tag = word.hi >>> 8;
  const index = ((word.hi & 0xff) << 16) | (word.lo >>> 16);
  return (word.lo & 0xffff) === check16(tag, index, 0x5649) ? { tag, index } : null;
}

/** `UC` + 22 characters; the last one is from `AQgw`, as in real channel ids. */
export function channelId(tag: number): string {
  return `UC${encode64({ hi: ((tag << 8) | 0x43) >>> 0, lo: hash32(tag, 0x4348) })}${filler(hash32(tag, 0x4346), 11, 'AQgw')}`;
}

export function decodeChannelId(id: string): number | null {
  if (id.length !== 24 || !id.startsWith('UC')) return null;
  const word = decode64(id.slice(2, 13));
  if (!word || (word.hi & 0xff) !== 0x43) return null;
  const tag = word.hi >>> 8;
  return channelId(tag) === id ? tag : null;
}

/** The uploads playlist of a channel is its id with `UC` replaced by `UU`. */
export const uploadsPlaylistId = (channel: string): string => `UU${channel.slice(2)}`;
export const likesPlaylistId = (channel: string): string => `LL${channel.slice(2)}`;

/** `PL` + 32 characters, like playlists created since 2013. */
export function playlistId(tag: number, index: number): string {
  return `PL${encode64({ hi: ((tag << 8) | 0x50) >>> 0, lo: (((index & 0xffff) << 16) | check16(tag, index, 0x504c)) >>> 0 })}${filler(hash32(tag, index, 0x5046), 21)}`;
}

export function decodePlaylistId(id: string): { tag: number; index: number } | null {
  if (id.length !== 34 || !id.startsWith('PL')) return null;
  const word = decode64(id.slice(2, 13));
  if (!word || (word.hi & 0xff) !== 0x50) return null;
  const tag = word.hi >>> 8;
  const index = word.lo >>> 16;
  return playlistId(tag, index) === id ? { tag, index } : null;
}

/** Top-level comment (and thread) ids: `Ugw…4AaABAg`, 26 characters like YouTube's. */
export function threadId(tag: number, thread: number): string {
  const h = hash32(tag, thread, 0x5447);
  return `Ug${'wxyz'[h & 3]}${encode64({ hi: ((tag << 8) | ((h >>> 8) & 0xff)) >>> 0, lo: thread >>> 0 })}${filler(h, 5)}4AaABAg`;
}

export function decodeThreadId(id: string): { tag: number; thread: number } | null {
  if (id.length !== 26 || !id.startsWith('Ug') || !id.endsWith('4AaABAg')) return null;
  const word = decode64(id.slice(3, 14));
  if (!word) return null;
  const tag = word.hi >>> 8;
  const thread = word.lo;
  return threadId(tag, thread) === id ? { tag, thread } : null;
}

/** Reply ids: the parent's id, a dot, and 22 more characters. */
export function replyId(tag: number, thread: number, reply: number): string {
  const h = hash32(tag, thread, reply, 0x5250);
  return `${threadId(tag, thread)}.${encode64({ hi: (((reply & 0xffff) << 16) | (h & 0xffff)) >>> 0, lo: hash32(h, 1) })}${filler(h, 11)}`;
}

export function decodeReplyId(id: string): { tag: number; thread: number; reply: number } | null {
  const dot = id.indexOf('.');
  if (dot !== 26 || id.length !== 49) return null;
  const parent = decodeThreadId(id.slice(0, 26));
  const word = decode64(id.slice(27, 38));
  if (!parent || !word) return null;
  const reply = word.hi >>> 16;
  return replyId(parent.tag, parent.thread, reply) === id ? { ...parent, reply } : null;
}

/** Playlist item ids are base64 of "<playlistId>.<something>", as YouTube's are. */
export function playlistItemId(playlist: string, position: number, videoIdForUploads?: string): string {
  const suffix = videoIdForUploads ?? encode64({ hi: 0x504f5300 | (hash32(position) & 0xff), lo: position >>> 0 });
  return Buffer.from(`${playlist}.${suffix}`, 'utf8').toString('base64');
}

export function decodePlaylistItemId(id: string): { playlist: string; position: number | null; video: string | null } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return null;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const dot = text.lastIndexOf('.');
  if (dot < 0) return null;
  const playlist = text.slice(0, dot);
  const suffix = text.slice(dot + 1);
  if (Buffer.from(text, 'utf8').toString('base64') !== id) return null;
  const word = decode64(suffix);
  if (word && (word.hi & 0xffffff00) === 0x504f5300 && (word.hi & 0xff) === (hash32(word.lo) & 0xff)) {
    return { playlist, position: word.lo, video: null };
  }
  return { playlist, position: null, video: suffix };
}

/** Subscription ids are opaque 43-character strings. */
export const subscriptionId = (tag: number, index: number): string => filler(hash32(tag, index, 0x5355), 43);

/** Google account ids ("sub") are 21-digit decimal strings. */
export function googleSub(tag: number): string {
  const a = hash32(tag, 0x5355, 1) % 1e10;
  const b = hash32(tag, 0x5355, 2) % 1e10;
  return `1${String(a).padStart(10, '0')}${String(b).padStart(10, '0')}`;
}

/** A stable etag-looking string for a resource. */
export const etag = (...words: number[]): string => filler(hash32(...words, 0x4554), 27);
