import { Rng, hash32, hashString } from '../core/prng';
import { SyntheticChannel } from './channel';
import { MAX_VIDEOS, PHANTOM_BIT, googleSub, likesPlaylistId, playlistId } from './ids';
import { description as makeDescription, personName, title as makeTitle } from './text';

/** How to build a synthetic Google account with its YouTube channel. Everything is optional but `key`. */
export interface AccountSpec {
  /** Login name: `login_hint` accepts it, the email or the sub. Letters, digits, '.', '_' and '-'. */
  key: string;
  /** Same seed and sizes give the same ids, titles and timestamps. Default: the key. */
  seed?: string | number;
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
  /** Hostile strings in titles, descriptions and comments. Default true. */
  hostileText?: boolean;
  /** Some thumbnails point at loopback, link-local and file: URLs, to test SSRF defences. Default false. */
  hostileMediaUrls?: boolean;
  /** false: a Google account without a YouTube channel (channels.list mine=true has no items). */
  hasChannel?: boolean;
  /** The uploads playlist stops listing after this many items; YouTube is reported to stop near 20,000. */
  uploadsLimit?: number | null;
  email?: string;
  name?: string;
  /** This account's daily quota, overriding the sandbox default. */
  quotaLimit?: number;
  /** When the channel was created and when its newest video went up (ISO 8601). */
  createdAt?: string;
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

const DEFAULT_CREATED = Date.UTC(2012, 2, 4, 5, 6, 7);
const DEFAULT_LATEST = Date.UTC(2026, 3, 30, 18, 0, 0);
const DAY = 86_400_000;

export class AccountError extends Error {}

export class Account {
  readonly key: string;
  readonly seedText: string;
  readonly tag: number;
  readonly sub: string;
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly name: string;
  readonly channel: SyntheticChannel | null;
  readonly likes: number;
  readonly subscriptions: number;
  readonly playlists: PlaylistModel[];
  readonly quotaLimit: number | null;

  constructor(readonly spec: AccountSpec) {
    if (typeof spec.key !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(spec.key)) {
      throw new AccountError('key must be 1-64 letters, digits, ".", "_" or "-"');
    }
    this.key = spec.key;
    this.seedText = String(spec.seed ?? spec.key);
    this.tag = hashString(`account:${this.seedText}`) & (PHANTOM_BIT - 1);
    const seed = hash32(this.tag, 0x4143);
    const rng = new Rng(seed);
    const videos = count(spec.videos, 25, MAX_VIDEOS, 'videos');
    this.likes = count(spec.likes, 20, 1_000_000, 'likes');
    this.subscriptions = count(spec.subscriptions, 15, 1_000_000, 'subscriptions');
    const person = personName(rng);
    this.givenName = spec.name ? spec.name.split(' ')[0] : capitalise(spec.key);
    this.familyName = spec.name ? spec.name.split(' ').slice(1).join(' ') : person.family;
    this.name = spec.name ?? `${this.givenName} ${this.familyName}`;
    this.email = spec.email ?? `${spec.key.toLowerCase()}@example.com`;
    this.sub = googleSub(this.tag);
    this.quotaLimit = spec.quotaLimit === undefined ? null : count(spec.quotaLimit, 0, 1e12, 'quotaLimit');
    const createdAtMs = parseTime(spec.createdAt, DEFAULT_CREATED + (seed % 1000) * DAY, 'createdAt');
    const latestUploadMs = parseTime(spec.latestUploadAt, DEFAULT_LATEST - (seed % 30) * DAY, 'latestUploadAt');
    if (latestUploadMs < createdAtMs) throw new AccountError('latestUploadAt must not be before createdAt');
    const hostile = spec.hostileText ?? true;
    this.channel =
      spec.hasChannel === false
        ? null
        : new SyntheticChannel({
            tag: this.tag,
            seed,
            title: hostile ? `${this.name}'s "Sandbox" Channel 🎬` : `${this.name} Sandbox Channel`,
            handle: `${spec.key.toLowerCase().replace(/[^a-z0-9._-]/g, '')}-sandbox`,
            description: makeDescription(new Rng(hash32(seed, 0x4344)), hostile),
            videoCount: videos,
            createdAtMs,
            latestUploadMs,
            maxThreadsPerVideo: count(spec.maxThreadsPerVideo, 4, 10_000, 'maxThreadsPerVideo'),
            maxRepliesPerThread: count(spec.maxRepliesPerThread, 8, 10_000, 'maxRepliesPerThread'),
            hostileText: hostile,
            hostileMediaUrls: spec.hostileMediaUrls ?? false,
            uploadsLimit: spec.uploadsLimit === undefined || spec.uploadsLimit === null ? null : count(spec.uploadsLimit, 0, MAX_VIDEOS, 'uploadsLimit'),
            ownerAccountKey: spec.key,
          });
    this.playlists = this.channel ? this.buildPlaylists(seed, hostile, createdAtMs, latestUploadMs) : [];
  }

  get likesPlaylistId(): string | null {
    return this.channel ? likesPlaylistId(this.channel.id) : null;
  }

  private buildPlaylists(seed: number, hostile: boolean, createdAtMs: number, latestMs: number): PlaylistModel[] {
    const sizes =
      this.spec.playlistSizes?.map((size, i) => count(size, 0, 20_000, `playlistSizes[${i}]`)) ??
      Array.from({ length: count(this.spec.playlists, 3, 10_000, 'playlists') }, (_, i) => hash32(seed, i, 0x504c) % 76);
    return sizes.map((size, index) => {
      const rng = new Rng(hash32(seed, index, 0x5054));
      const roll = rng.float();
      return {
        index,
        id: playlistId(this.tag, index),
        size,
        privacy: roll < 0.15 ? 'private' : roll < 0.3 ? 'unlisted' : 'public',
        title: makeTitle(rng, hostile, `Playlist ${index + 1}`),
        description: rng.chance(0.5) ? '' : makeDescription(rng, hostile).slice(0, 500),
        publishedMs: Math.floor((createdAtMs + rng.float() * (latestMs - createdAtMs)) / 1000) * 1000,
      };
    });
  }
}

function count(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) throw new AccountError(`${name} must be an integer from 0 to ${max}`);
  return value;
}

function parseTime(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AccountError(`${name} must be an ISO 8601 timestamp`);
  return ms;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The accounts a sandbox starts with when none are configured. */
export const DEFAULT_ACCOUNTS: AccountSpec[] = [
  // A typical small channel: pages of 50 end on a short page; some playlists, likes, subscriptions.
  { key: 'alice', videos: 137, playlistSizes: [12, 57, 0], likes: 23, subscriptions: 31, maxThreadsPerVideo: 6, maxRepliesPerThread: 12 },
  // A channel that has never uploaded.
  { key: 'bob', videos: 0, playlists: 0, likes: 0, subscriptions: 2 },
  // A Google account with no YouTube channel at all.
  { key: 'carol', hasChannel: false },
];
