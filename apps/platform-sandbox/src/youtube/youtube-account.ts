import { Rng, hash32 } from '../core/prng';
import { Account, AccountError, count, parseTime } from '../synthetic/account';
import { SyntheticChannel } from '../synthetic/channel';
import { MAX_VIDEOS, likesPlaylistId, playlistId } from '../synthetic/ids';
import { description as makeDescription, title as makeTitle } from '../synthetic/text';

/** The YouTube part of an AccountSpec: the channel and what it holds. Every field is optional. */
export interface YouTubeAccountSpec {
  /** Uploaded videos, 0 to 16,777,215. Default 25. */
  videos?: number;
  /** Number of user playlists (default 3), or exact sizes with `playlistSizes`. */
  playlists?: number;
  playlistSizes?: number[];
  /** Liked videos (the LL playlist). Default 20. */
  likes?: number;
  subscriptions?: number;
  /** Each video gets 0..max comment threads (skewed towards few). Default 4; 0 disables comments. */
  maxThreadsPerVideo?: number;
  /** Each thread gets 0..max replies. Default 8. Threads with more than 5 need comments.list. */
  maxRepliesPerThread?: number;
  /** Some thumbnails point at loopback, link-local and file: URLs, to test SSRF defences. Default false. */
  hostileMediaUrls?: boolean;
  /** false: a Google account without a YouTube channel (channels.list mine=true has no items). */
  hasChannel?: boolean;
  /** The uploads playlist stops listing after this many items; YouTube is reported to stop near 20,000. */
  uploadsLimit?: number | null;
  /** When the newest video went up (ISO 8601). */
  latestUploadAt?: string;
}

export interface PlaylistModel {
  index: number;
  id: string;
  size: number;
  privacy: 'public' | 'unlisted' | 'private';
  title: string;
  description: string;
  publishedMs: number;
}

const DEFAULT_LATEST = Date.UTC(2026, 3, 30, 18, 0, 0);
const DAY = 86_400_000;

/** An account's YouTube channel, its playlists, likes and subscriptions; built from the account's seed. */
export class YouTubeAccount {
  readonly channel: SyntheticChannel | null;
  readonly likes: number;
  readonly subscriptions: number;
  readonly playlists: PlaylistModel[];

  constructor(readonly account: Account) {
    const spec = account.spec as YouTubeAccountSpec;
    const seed = account.seed;
    const videos = count(spec.videos, 25, MAX_VIDEOS, 'videos');
    this.likes = count(spec.likes, 20, 1_000_000, 'likes');
    this.subscriptions = count(spec.subscriptions, 15, 1_000_000, 'subscriptions');
    const createdAtMs = account.createdAtMs;
    const latestUploadMs = parseTime(spec.latestUploadAt, DEFAULT_LATEST - (seed % 30) * DAY, 'latestUploadAt');
    if (latestUploadMs < createdAtMs) throw new AccountError('latestUploadAt must not be before createdAt');
    const hostile = account.hostileText;
    this.channel =
      spec.hasChannel === false
        ? null
        : new SyntheticChannel({
            tag: account.tag,
            seed,
            title: hostile ? `${account.name}'s "Sandbox" Channel 🎬` : `${account.name} Sandbox Channel`,
            handle: `${account.key.toLowerCase().replace(/[^a-z0-9._-]/g, '')}-sandbox`,
            description: makeDescription(new Rng(hash32(seed, 0x4344)), hostile),
            videoCount: videos,
            createdAtMs,
            latestUploadMs,
            maxThreadsPerVideo: count(spec.maxThreadsPerVideo, 4, 10_000, 'maxThreadsPerVideo'),
            maxRepliesPerThread: count(spec.maxRepliesPerThread, 8, 10_000, 'maxRepliesPerThread'),
            hostileText: hostile,
            hostileMediaUrls: spec.hostileMediaUrls ?? false,
            uploadsLimit: spec.uploadsLimit === undefined || spec.uploadsLimit === null ? null : count(spec.uploadsLimit, 0, MAX_VIDEOS, 'uploadsLimit'),
            ownerAccountKey: account.key,
          });
    this.playlists = this.channel ? this.buildPlaylists(spec, seed, hostile, createdAtMs, latestUploadMs) : [];
  }

  get likesPlaylistId(): string | null {
    return this.channel ? likesPlaylistId(this.channel.id) : null;
  }

  private buildPlaylists(spec: YouTubeAccountSpec, seed: number, hostile: boolean, createdAtMs: number, latestMs: number): PlaylistModel[] {
    const sizes =
      spec.playlistSizes?.map((size, i) => count(size, 0, 20_000, `playlistSizes[${i}]`)) ??
      Array.from({ length: count(spec.playlists, 3, 10_000, 'playlists') }, (_, i) => hash32(seed, i, 0x504c) % 76);
    return sizes.map((size, index) => {
      const rng = new Rng(hash32(seed, index, 0x5054));
      const roll = rng.float();
      return {
        index,
        id: playlistId(this.account.tag, index),
        size,
        privacy: roll < 0.15 ? 'private' : roll < 0.3 ? 'unlisted' : 'public',
        title: makeTitle(rng, hostile, `Playlist ${index + 1}`),
        description: rng.chance(0.5) ? '' : makeDescription(rng, hostile).slice(0, 500),
        publishedMs: Math.floor((createdAtMs + rng.float() * (latestMs - createdAtMs)) / 1000) * 1000,
      };
    });
  }
}

/** The account's YouTube part, built (and its spec checked) the first time it is asked for. */
export const youtubeOf = (account: Account): YouTubeAccount => account.facet('youtube', (owner) => new YouTubeAccount(owner));
