import { hash32 } from '../core/prng';
import type { SyntheticChannel } from '../synthetic/channel';

export interface Thumbnail {
  url: string;
  width: number;
  height: number;
}

/** The sizes YouTube publishes for a video, with i.ytimg.com's file names. */
export const VIDEO_THUMBNAILS = {
  default: { file: 'default', width: 120, height: 90 },
  medium: { file: 'mqdefault', width: 320, height: 180 },
  high: { file: 'hqdefault', width: 480, height: 360 },
  standard: { file: 'sddefault', width: 640, height: 480 },
  maxres: { file: 'maxresdefault', width: 1280, height: 720 },
} as const;

export const THUMBNAIL_FILES: Record<string, { width: number; height: number }> = Object.fromEntries(
  Object.values(VIDEO_THUMBNAILS).map((t) => [t.file, { width: t.width, height: t.height }]),
);

/**
 * Addresses a careless media downloader would fetch: the local database, cloud metadata, files,
 * IPv6 loopback, a redirect to loopback, and a name that resolves to loopback.
 */
function hostileUrls(base: string): string[] {
  return [
    'http://127.0.0.1:5432/',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'file:///etc/passwd',
    'http://[::1]:6379/',
    `${base}/media/redirect?to=${encodeURIComponent('http://127.0.0.1:5432/')}`,
    'http://localhost:22/',
    'gopher://127.0.0.1:6379/_INFO',
  ];
}

export function videoThumbnails(base: string, channel: SyntheticChannel, index: number, hd: boolean): Record<string, Thumbnail> {
  const id = channel.videoId(index);
  const out: Record<string, Thumbnail> = {};
  const hostile = channel.params.hostileMediaUrls && hash32(channel.tag, index, 0x5353) % 5 === 0 ? hostileUrls(base) : null;
  for (const [name, t] of Object.entries(VIDEO_THUMBNAILS)) {
    if (!hd && (name === 'standard' || name === 'maxres')) continue;
    const url = hostile ? hostile[hash32(index, name.length) % hostile.length] : `${base}/vi/${id}/${t.file}.jpg`;
    out[name] = { url, width: t.width, height: t.height };
  }
  return out;
}

/** Channel avatars are square; yt3.ggpht.com takes the size in the URL. */
export function avatarUrl(base: string, channelId: string, size: number): string {
  return `${base}/ytc/${channelId}=s${size}-c-k-c0x00ffffff-no-rj`;
}

export function channelThumbnails(base: string, channelId: string): Record<string, Thumbnail> {
  return {
    default: { url: avatarUrl(base, channelId, 88), width: 88, height: 88 },
    medium: { url: avatarUrl(base, channelId, 240), width: 240, height: 240 },
    high: { url: avatarUrl(base, channelId, 800), width: 800, height: 800 },
  };
}

/** What YouTube shows for a playlist with no videos. */
export function emptyPlaylistThumbnails(base: string): Record<string, Thumbnail> {
  return {
    default: { url: `${base}/img/no_thumbnail.jpg`, width: 120, height: 90 },
    medium: { url: `${base}/img/no_thumbnail.jpg`, width: 320, height: 180 },
    high: { url: `${base}/img/no_thumbnail.jpg`, width: 480, height: 360 },
  };
}
