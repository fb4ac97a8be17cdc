import { Rng, hash32 } from '../core/prng';
import { Account, count, parseTime } from '../synthetic/account';
import { HOSTILE_TITLES, description as makeDescription, title as makeTitle, words } from '../synthetic/text';

/** The Facebook part of an AccountSpec: what the person's profile holds. Every field is optional. */
export interface FacebookAccountSpec {
  /** Posts on the person's own timeline, newest first. Default 40. */
  fbPosts?: number;
  /** Albums and how many photos each holds (uploaded photos are the photos of the albums). Default [12, 5]. */
  fbAlbumSizes?: number[];
  /** Photos of others the person is tagged in. Default 6. */
  fbTaggedPhotos?: number;
  /** Videos the person uploaded. Default 3. */
  fbVideos?: number;
  /** Pages the person likes. Default 30. */
  fbLikes?: number;
  /** Friends in all (summary.total_count). Default 120. */
  fbFriends?: number;
  /** Friends who also use the app: the only ones /me/friends lists. Default 4. */
  fbFriendsUsingApp?: number;
  /** When the newest post went up (ISO 8601). */
  fbLatestPostAt?: string;
}

export interface FbPlace {
  id: string;
  name: string;
  location: { city: string; country: string; latitude: number; longitude: number };
}

export interface FbPhoto {
  id: string;
  name: string | null;
  createdSec: number;
  albumIndex: number | null;
  /** Who posted it, for tagged photos of others. */
  fromId: string;
  place: FbPlace | null;
}

export interface FbAlbum {
  id: string;
  name: string;
  description: string | null;
  createdSec: number;
  photos: FbPhoto[];
}

export interface FbVideo {
  id: string;
  title: string | null;
  description: string | null;
  createdSec: number;
  lengthSec: number;
}

export interface FbPost {
  id: string;
  createdSec: number;
  message: string | null;
  story: string | null;
  statusType: 'mobile_status_update' | 'added_photos' | 'shared_story' | 'added_video';
  /** Photos the post carries: one is a `photo` attachment, several an `album` one with sub-attachments. */
  photoIds: string[];
  videoId: string | null;
  link: { url: string; title: string; description: string } | null;
  place: FbPlace | null;
}

export interface FbNamed {
  id: string;
  name: string;
  createdSec: number;
}

const DEFAULT_LATEST = Date.UTC(2026, 3, 30, 18, 0, 0);
/** Posts are three hours apart, each up to an hour earlier than its slot: strictly newest first. */
const POST_SPACING_SEC = 3 * 3600;
export const MAX_FB_POSTS = 1_000_000;

const PLACES: readonly Omit<FbPlace, 'id'>[] = [
  { name: 'Café Zürich', location: { city: 'Zürich', country: 'Switzerland', latitude: 47.3769, longitude: 8.5417 } },
  { name: 'مقهى القاهرة', location: { city: 'Cairo', country: 'Egypt', latitude: 30.0444, longitude: 31.2357 } },
  { name: 'Parque "Central", <Lima>', location: { city: 'Lima', country: 'Peru', latitude: -12.0464, longitude: -77.0428 } },
];

/**
 * Ids the Graph API would give: decimal strings, person ids beyond 2^53 so that a reader that turns them
 * into numbers loses digits, object ids of 18 digits, and post ids as `<user id>_<object id>`.
 */
function objectId(tag: number, kind: number, index: number): string {
  return `91${kind}${String(tag % 1_000_000_000).padStart(9, '0')}${String(index).padStart(6, '0')}`;
}

/** A person's Facebook profile, built from the account's seed. */
export class FacebookAccount {
  readonly userId: string;
  readonly posts: FbPost[];
  readonly albums: FbAlbum[];
  readonly uploadedPhotos: FbPhoto[];
  readonly taggedPhotos: FbPhoto[];
  readonly videos: FbVideo[];
  readonly likes: FbNamed[];
  readonly friends: FbNamed[];
  readonly friendCount: number;
  private readonly photoIndex = new Map<string, FbPhoto>();

  constructor(readonly account: Account) {
    const spec = account.spec as FacebookAccountSpec;
    const tag = account.tag;
    const seed = account.seed;
    const hostile = account.hostileText;
    this.userId = `9100${String(tag % 1_000_000_000_000).padStart(12, '0')}`;
    const latestSec = Math.floor(parseTime(spec.fbLatestPostAt, DEFAULT_LATEST, 'fbLatestPostAt') / 1000);
    const createdSec = Math.floor(account.createdAtMs / 1000);
    const span = Math.max(1, latestSec - createdSec);
    const at = (rng: Rng): number => createdSec + Math.floor(rng.float() * span);
    const place = (rng: Rng, i: number): FbPlace | null =>
      rng.chance(0.2) ? { id: objectId(tag, 8, i), ...PLACES[i % PLACES.length] } : null;

    const albumSizes = (spec.fbAlbumSizes ?? [12, 5]).map((size, i) => count(size, 0, 100_000, `fbAlbumSizes[${i}]`));
    let photoNumber = 0;
    this.albums = albumSizes.map((size, albumIndex) => {
      const rng = new Rng(hash32(seed, albumIndex, 0x4641));
      const photos = Array.from({ length: size }, () => {
        const number = photoNumber++;
        const photoRng = new Rng(hash32(seed, number, 0x4650));
        return {
          id: objectId(tag, 2, number),
          name: photoRng.chance(0.6) ? makeTitle(photoRng, hostile, `Photo ${number + 1}`) : null,
          createdSec: at(photoRng),
          albumIndex,
          fromId: this.userId,
          place: place(photoRng, number),
        };
      }).sort((a, b) => b.createdSec - a.createdSec);
      return {
        id: objectId(tag, 1, albumIndex),
        name: makeTitle(rng, hostile, `Album ${albumIndex + 1}`),
        description: rng.chance(0.5) ? makeDescription(rng, hostile).slice(0, 400) : null,
        createdSec: at(rng),
        photos,
      };
    });
    this.uploadedPhotos = this.albums.flatMap((album) => album.photos).sort((a, b) => b.createdSec - a.createdSec);
    this.taggedPhotos = Array.from({ length: count(spec.fbTaggedPhotos, 6, 100_000, 'fbTaggedPhotos') }, (_, i) => {
      const rng = new Rng(hash32(seed, i, 0x4654));
      return {
        id: objectId(tag, 3, i),
        name: rng.chance(0.5) ? makeTitle(rng, hostile, `Tagged ${i + 1}`) : null,
        createdSec: at(rng),
        albumIndex: null,
        fromId: objectId(tag, 9, i),
        place: place(rng, i),
      };
    }).sort((a, b) => b.createdSec - a.createdSec);
    for (const photo of [...this.uploadedPhotos, ...this.taggedPhotos]) this.photoIndex.set(photo.id, photo);

    this.videos = Array.from({ length: count(spec.fbVideos, 3, 100_000, 'fbVideos') }, (_, i) => {
      const rng = new Rng(hash32(seed, i, 0x4656));
      return {
        id: objectId(tag, 4, i),
        title: rng.chance(0.7) ? makeTitle(rng, hostile, `Video ${i + 1}`) : null,
        description: rng.chance(0.5) ? makeDescription(rng, hostile).slice(0, 600) : null,
        createdSec: at(rng),
        lengthSec: 5 + (hash32(seed, i, 0x464c) % 600),
      };
    }).sort((a, b) => b.createdSec - a.createdSec);

    const posts = count(spec.fbPosts, 40, MAX_FB_POSTS, 'fbPosts');
    this.posts = Array.from({ length: posts }, (_, i) => this.post(i, latestSec, hostile));

    this.likes = Array.from({ length: count(spec.fbLikes, 30, 1_000_000, 'fbLikes') }, (_, i) => {
      const rng = new Rng(hash32(seed, i, 0x464b));
      return { id: objectId(tag, 5, i), name: makeTitle(rng, hostile, `Page ${i + 1}`), createdSec: at(rng) };
    }).sort((a, b) => b.createdSec - a.createdSec);
    this.friendCount = count(spec.fbFriends, 120, 5_000, 'fbFriends');
    const usingApp = Math.min(this.friendCount, count(spec.fbFriendsUsingApp, 4, 5_000, 'fbFriendsUsingApp'));
    this.friends = Array.from({ length: usingApp }, (_, i) => {
      const rng = new Rng(hash32(seed, i, 0x4652));
      return { id: `9100${String((tag + i + 1) % 1_000_000_000_000).padStart(12, '0')}`, name: `${words(rng, 1)} ${words(rng, 1)}`, createdSec: at(rng) };
    });
  }

  photo(id: string): FbPhoto | undefined {
    return this.photoIndex.get(id);
  }

  album(id: string): FbAlbum | undefined {
    return this.albums.find((album) => album.id === id);
  }

  video(id: string): FbVideo | undefined {
    return this.videos.find((video) => video.id === id);
  }

  private post(index: number, latestSec: number, hostile: boolean): FbPost {
    const rng = new Rng(hash32(this.account.seed, index, 0x4650, 0x5354));
    const createdSec = latestSec - index * POST_SPACING_SEC - (hash32(this.account.seed, index, 0x4a) % 3600);
    const roll = rng.float();
    const photos = this.uploadedPhotos;
    const withPhotos = photos.length > 0 && roll < 0.25;
    const withVideo = this.videos.length > 0 && !withPhotos && roll < 0.32;
    const withLink = !withPhotos && !withVideo && roll < 0.5;
    const photoIds = withPhotos
      ? Array.from({ length: rng.chance(0.5) ? 1 : Math.min(photos.length, rng.between(2, 4)) }, (_, k) => photos[(index + k) % photos.length].id)
      : [];
    let message: string | null = rng.chance(0.8) ? makeDescription(rng, hostile) : null;
    // Hostile text on every platform: formula cells, markup, emoji, right-to-left, and a very long post.
    if (hostile && index % 11 === 3) message = HOSTILE_TITLES[index % HOSTILE_TITLES.length];
    if (hostile && index % 97 === 5) message = `${'Very long post. '.repeat(4000)}🎉 end`;
    return {
      id: `${this.userId}_${objectId(this.account.tag, 6, index)}`,
      createdSec,
      message,
      story: message === null ? `${this.account.name} updated their status.` : null,
      statusType: withPhotos ? 'added_photos' : withVideo ? 'added_video' : withLink ? 'shared_story' : 'mobile_status_update',
      photoIds: [...new Set(photoIds)],
      videoId: withVideo ? this.videos[index % this.videos.length].id : null,
      link: withLink ? { url: `https://example.com/article/${index}?a=1&b=2`, title: makeTitle(rng, hostile, `Article ${index}`), description: words(rng, 12) } : null,
      place: rng.chance(0.1) ? { id: objectId(this.account.tag, 8, 500_000 + index), ...PLACES[index % PLACES.length] } : null,
    };
  }
}

/** The account's Facebook part, built (and its spec checked) the first time it is asked for. */
export const facebookOf = (account: Account): FacebookAccount => account.facet('facebook', (owner) => new FacebookAccount(owner));
