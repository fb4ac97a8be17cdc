import { Rng, hash32 } from '../core/prng';
import { Account, AccountError, count, parseTime, type PersonSpec } from '../synthetic/account';
import { commentText, title as makeTitle } from '../synthetic/text';

/** How a session ends mid-export, as the site shows it to a logged-in browser whose cookies went stale. */
export type SessionEnd = 'unauthorized' | 'login' | 'challenge' | 'checkpoint' | 'html';
export const SESSION_ENDS: readonly SessionEnd[] = ['unauthorized', 'login', 'challenge', 'checkpoint', 'html'];

/** The Instagram part of an AccountSpec, under `instagram`. Every field is optional. */
export interface InstagramAccountSpec {
  /** Posts on the grid (images, carousels, videos and reels mixed). Default 14. */
  posts?: number;
  /** Posts of other accounts the user saved. Default 5. */
  saved?: number;
  /** Live stories. Default 2. */
  stories?: number;
  /** Highlights, each with `highlightItems` items. Default 2 and 3. */
  highlights?: number;
  highlightItems?: number;
  /** When the newest post went up (ISO 8601). */
  latestPostAt?: string;
  /** The session dies after this many requests were served (pages and API calls), in the way `endsWith` says. */
  sessionEndsAfter?: number;
  endsWith?: SessionEnd;
}

const DAY = 86_400_000;
const DEFAULT_LATEST = Date.UTC(2026, 4, 20, 12, 0, 0);
/** Media pks above 2^53, as Instagram's are, so a client that parses them as numbers loses digits. */
const MEDIA_BASE = 3_400_000_000_000_000_000n;
const SHORTCODE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type MediaKind = 'image' | 'video' | 'carousel';
export type Shelf = 'post' | 'saved' | 'story' | 'highlight' | 'child';

export interface MediaModel {
  pk: string;
  ownerPk: string;
  ownerName: string;
  kind: MediaKind;
  reel: boolean;
  takenMs: number;
  caption: string;
  children: MediaModel[];
  commentCount: number;
  likeCount: number;
  location: { pk: string; name: string; lat: number; lng: number } | null;
  tagged: string[];
}

export interface CommentModel {
  pk: string;
  text: string;
  createdMs: number;
  authorPk: string;
  authorName: string;
  replies: CommentModel[];
}

const SHELF_CODE: Record<Shelf, bigint> = { post: 1n, saved: 2n, story: 3n, highlight: 4n, child: 5n };

export function mediaPk(tag: number, shelf: Shelf, index: number): string {
  return (MEDIA_BASE + BigInt(tag) * 100_000_000_000n + SHELF_CODE[shelf] * 10_000_000_000n + BigInt(index)).toString();
}

/** The index behind a media pk of this account's shelf, or null when the pk is not one of them. */
export function mediaIndex(tag: number, shelf: Shelf, pk: string, size: number): number | null {
  if (!/^\d{1,25}$/.test(pk)) return null;
  const index = BigInt(pk) - BigInt(mediaPk(tag, shelf, 0));
  return index >= 0n && index < BigInt(size) ? Number(index) : null;
}

/** The short code in a post's link: the pk in Instagram's base-64 alphabet. */
export function shortcode(pk: string): string {
  let value = BigInt(pk);
  let code = '';
  while (value > 0n) {
    code = SHORTCODE[Number(value % 64n)] + code;
    value /= 64n;
  }
  return code;
}

/** An account's Instagram side: every item a function of its index, plus the session and what it has served. */
export class InstagramAccount {
  readonly posts: number;
  readonly saved: number;
  readonly stories: number;
  readonly highlights: number;
  readonly highlightItems: number;
  readonly latestMs: number;
  readonly userPk: string;
  readonly username: string;
  readonly sessionId: string;
  readonly sessionEndsAfter: number | null;
  readonly endsWith: SessionEnd;
  /** Requests served with this account's session so far; the session ends when it reaches sessionEndsAfter. */
  served = 0;

  constructor(readonly account: Account) {
    const spec = (account.spec as { instagram?: InstagramAccountSpec }).instagram ?? {};
    this.posts = count(spec.posts, 14, 100_000, 'instagram.posts');
    this.saved = count(spec.saved, 5, 100_000, 'instagram.saved');
    this.stories = count(spec.stories, 2, 100, 'instagram.stories');
    this.highlights = count(spec.highlights, 2, 100, 'instagram.highlights');
    this.highlightItems = count(spec.highlightItems, 3, 100, 'instagram.highlightItems');
    this.latestMs = parseTime(spec.latestPostAt, DEFAULT_LATEST, 'instagram.latestPostAt');
    this.sessionEndsAfter = spec.sessionEndsAfter === undefined ? null : count(spec.sessionEndsAfter, 0, 1_000_000, 'instagram.sessionEndsAfter');
    if (spec.endsWith !== undefined && !SESSION_ENDS.includes(spec.endsWith)) throw new AccountError(`instagram.endsWith must be one of ${SESSION_ENDS.join(', ')}`);
    this.endsWith = spec.endsWith ?? 'login';
    this.userPk = String(50_000_000_000 + account.tag);
    this.username = account.key.toLowerCase().replace(/[^a-z0-9._]/g, '_');
    // Instagram's sessionid is `<user pk>%3A<random>%3A<n>`; the random part is derived so tests can compute it.
    this.sessionId = `${this.userPk}%3A${(hash32(account.seed, 0x5e55) >>> 0).toString(36)}${account.tag.toString(36)}%3A27`;
  }

  /** Whether the session has outlived its configured end. */
  get sessionEnded(): boolean {
    return this.sessionEndsAfter !== null && this.served > this.sessionEndsAfter;
  }

  /** Post `index` (0 = newest): every fifth a carousel, every fifth plus three a reel, every seventh a plain video. */
  post(index: number): MediaModel {
    const rng = new Rng(hash32(this.account.seed, 0x1601, index));
    const kind: MediaKind = index % 5 === 1 ? 'carousel' : index % 5 === 3 || index % 7 === 6 ? 'video' : 'image';
    const pk = mediaPk(this.account.tag, 'post', index);
    const children: MediaModel[] = [];
    if (kind === 'carousel') {
      for (let c = 0; c < 3; c++) {
        children.push({ ...this.bare(mediaPk(this.account.tag, 'child', index * 10 + c), c === 1 ? 'video' : 'image', this.latestMs - index * DAY), caption: '' });
      }
    }
    return {
      ...this.bare(pk, kind, this.latestMs - index * DAY),
      reel: index % 5 === 3,
      caption: makeTitle(rng, this.account.hostileText, `Post ${index}`),
      children,
      commentCount: index % 3 === 0 ? 4 : 0,
      likeCount: rng.between(0, 500),
      location: index % 4 === 0 ? { pk: String(200_000_000 + index), name: `Place ${index}`, lat: 52.5 + index / 100, lng: 13.4 } : null,
      tagged: index % 6 === 2 ? ['friend_one', 'friend_two'] : [],
    };
  }

  /** A post someone else made that this user saved. */
  savedPost(index: number): MediaModel {
    const rng = new Rng(hash32(this.account.seed, 0x5a7e, index));
    return {
      ...this.bare(mediaPk(this.account.tag, 'saved', index), index % 3 === 2 ? 'video' : 'image', this.latestMs - index * 2 * DAY - 3_600_000),
      ownerPk: String(60_000_000_000 + index),
      ownerName: `creator_${index}`,
      caption: makeTitle(rng, this.account.hostileText, `Saved ${index}`),
    };
  }

  story(index: number): MediaModel {
    return this.bare(mediaPk(this.account.tag, 'story', index), index % 2 === 1 ? 'video' : 'image', this.latestMs + DAY - index * 3_600_000);
  }

  highlightId(index: number): string {
    return (17_900_000_000_000_000n + BigInt(this.account.tag) * 1000n + BigInt(index)).toString();
  }

  highlightItem(highlight: number, index: number): MediaModel {
    return this.bare(mediaPk(this.account.tag, 'highlight', highlight * 1000 + index), index % 3 === 2 ? 'video' : 'image', this.latestMs - (30 + highlight * 10 + index) * DAY);
  }

  /** The comments on post `index`, oldest first; the first of them has two replies. */
  comments(index: number): CommentModel[] {
    const post = this.post(index);
    const list: CommentModel[] = [];
    for (let c = 0; c < post.commentCount; c++) {
      const rng = new Rng(hash32(this.account.seed, 0xc0, index, c));
      const pk = String(18_000_000_000_000_000n + BigInt(this.account.tag) * 1_000_000n + BigInt(index * 100 + c * 10));
      const replies: CommentModel[] = c === 0
        ? [1, 2].map((r) => ({ pk: String(BigInt(pk) + BigInt(r)), text: commentText(new Rng(hash32(this.account.seed, 0xc1, index, r)), this.account.hostileText), createdMs: post.takenMs + (c + r + 1) * 60_000, authorPk: this.userPk, authorName: this.username, replies: [] }))
        : [];
      list.push({ pk, text: commentText(rng, this.account.hostileText), createdMs: post.takenMs + (c + 1) * 60_000, authorPk: String(70_000_000_000 + c), authorName: `fan_${c}`, replies });
    }
    return list;
  }

  private bare(pk: string, kind: MediaKind, takenMs: number): MediaModel {
    return { pk, ownerPk: this.userPk, ownerName: this.username, kind, reel: false, takenMs, caption: '', children: [], commentCount: 0, likeCount: 0, location: null, tagged: [] };
  }
}

export const instagramOf = (account: Account): InstagramAccount => account.facet('instagram', (a) => new InstagramAccount(a));

/** The cookies a browser logged in as this account holds, for tests and demos that "copy them from the browser". */
export function instagramLogin(spec: PersonSpec): { sessionid: string; ds_user_id: string; username: string } {
  const ig = new InstagramAccount(new Account(spec));
  return { sessionid: ig.sessionId, ds_user_id: ig.userPk, username: ig.username };
}
