import { Rng, hash32 } from '../core/prng';
import { Account, AccountError, count, parseTime } from '../synthetic/account';
import { title as makeTitle } from '../synthetic/text';

/** The endpoints X meters in 15-minute windows per user, by the name the sandbox logs them under. */
export type XEndpoint = 'users.me' | 'tweets' | 'liked_tweets' | 'bookmarks' | 'followers' | 'following';

/** Requests per user per 15 minutes, from X's rate-limit table for user-context tokens. */
export const X_WINDOW_LIMITS: Record<XEndpoint, number> = {
  'users.me': 75,
  tweets: 900,
  liked_tweets: 75,
  bookmarks: 180,
  followers: 15,
  following: 15,
};

/** The X part of an AccountSpec, under `twitter`. Every field is optional. */
export interface XAccountSpec {
  /** Posts on the timeline (retweets, replies and quotes among them). Default 30. The API serves the newest 3,200. */
  posts?: number;
  likes?: number;
  /** Bookmarked posts. Default 12. The API serves the newest 800. */
  bookmarks?: number;
  followers?: number;
  following?: number;
  /** Timeline pages (1-based, in request order) answered without `data` but with a `next_token`. */
  emptyPages?: number[];
  /** Requests per 15-minute window, per endpoint, overriding X's table. */
  rateLimits?: Partial<Record<XEndpoint, number>>;
  /** When the newest post went up (ISO 8601). */
  latestPostAt?: string;
}

export const TIMELINE_CAP = 3200;
export const BOOKMARKS_CAP = 800;
const HOUR = 3_600_000;
const DEFAULT_LATEST = Date.UTC(2026, 4, 20, 12, 0, 0);

/** Snowflake-sized ids (well above 2^53), so a client that parses them as numbers loses digits. */
const SNOWFLAKE_BASE = 1_790_000_000_000_000_000n;
export type PostKind = 'own' | 'liked' | 'bookmarked' | 'referenced';
const KIND_CODE: Record<PostKind, bigint> = { own: 1n, liked: 2n, bookmarked: 3n, referenced: 4n };

export function postId(tag: number, kind: PostKind, index: number): string {
  return (SNOWFLAKE_BASE + BigInt(tag) * 10_000_000_000n + KIND_CODE[kind] * 1_000_000_000n + BigInt(999_999_999 - index)).toString();
}

export function userId(tag: number, index: number): string {
  return (1_500_000_000_000_000_000n + BigInt(tag) * 10_000_000n + BigInt(index)).toString();
}

export type MediaType = 'photo' | 'video' | 'animated_gif';

export interface PostModel {
  id: string;
  kind: PostKind;
  index: number;
  authorIndex: number;
  createdMs: number;
  text: string;
  longText: string | null;
  media: { key: string; type: MediaType }[];
  reply: boolean;
  retweet: boolean;
  quote: boolean;
}

/** An account's X side: its posts, likes, bookmarks and follow graph, each item a function of its index. */
export class XAccount {
  readonly posts: number;
  readonly likes: number;
  readonly bookmarks: number;
  readonly followers: number;
  readonly following: number;
  readonly emptyPages: ReadonlySet<number>;
  readonly latestMs: number;
  readonly rateLimits: Record<XEndpoint, number>;
  readonly userId: string;

  constructor(readonly account: Account) {
    const spec = ((account.spec as { twitter?: XAccountSpec }).twitter ?? {});
    this.posts = count(spec.posts, 30, 100_000, 'twitter.posts');
    this.likes = count(spec.likes, 15, 100_000, 'twitter.likes');
    this.bookmarks = count(spec.bookmarks, 12, 100_000, 'twitter.bookmarks');
    this.followers = count(spec.followers, 9, 1_000_000, 'twitter.followers');
    this.following = count(spec.following, 7, 1_000_000, 'twitter.following');
    if (spec.emptyPages !== undefined && (!Array.isArray(spec.emptyPages) || spec.emptyPages.some((p) => !Number.isInteger(p) || p < 1))) {
      throw new AccountError('twitter.emptyPages must be page numbers from 1');
    }
    this.emptyPages = new Set(spec.emptyPages ?? []);
    this.latestMs = parseTime(spec.latestPostAt, DEFAULT_LATEST, 'twitter.latestPostAt');
    this.rateLimits = { ...X_WINDOW_LIMITS };
    for (const [name, limit] of Object.entries(spec.rateLimits ?? {})) {
      if (!(name in X_WINDOW_LIMITS)) throw new AccountError(`twitter.rateLimits has no endpoint ${name}`);
      this.rateLimits[name as XEndpoint] = count(limit, 0, 1_000_000, `twitter.rateLimits.${name}`);
    }
    this.userId = userId(account.tag, 0);
  }

  /** Post `index` (0 = newest) of a list; the account's own posts are authored by it (author 0). */
  post(kind: PostKind, index: number): PostModel {
    const tag = this.account.tag;
    const rng = new Rng(hash32(this.account.seed, KIND_CODE[kind] === 1n ? 1 : Number(KIND_CODE[kind]), index));
    const hostile = this.account.hostileText;
    const own = kind === 'own';
    const spacing = own ? 7 * HOUR : 5 * HOUR;
    const retweet = own && index % 6 === 5;
    const media: PostModel['media'] = [];
    if (!retweet && index % 5 === 1) media.push({ key: `3_${postId(tag, kind, index)}`, type: 'photo' });
    if (!retweet && index % 5 === 1 && index % 2 === 0) media.push({ key: `3_${postId(tag, kind, index)}1`, type: 'photo' });
    if (!retweet && index % 7 === 3) media.push({ key: `7_${postId(tag, kind, index)}`, type: 'video' });
    if (!retweet && index % 11 === 4) media.push({ key: `16_${postId(tag, kind, index)}`, type: 'animated_gif' });
    const text = makeTitle(rng, hostile, own ? `Post ${index}` : `Saved ${index}`);
    const long = own && index % 8 === 2 ? `${text} ${'A long post that goes on past 280 characters. '.repeat(12)}` : null;
    return {
      id: postId(tag, kind, index),
      kind,
      index,
      authorIndex: own ? 0 : 1 + (index % 13),
      createdMs: this.latestMs - index * spacing - (own ? 0 : 3 * HOUR),
      text: retweet ? `RT @friend_${index % 13}: ${text}` : long ? `${Array.from(long).slice(0, 270).join('')}…` : text,
      longText: long,
      media,
      reply: own && index % 4 === 3,
      retweet,
      quote: own && index % 9 === 7,
    };
  }
}

export const xOf = (account: Account): XAccount => account.facet('twitter', (a) => new XAccount(a));
