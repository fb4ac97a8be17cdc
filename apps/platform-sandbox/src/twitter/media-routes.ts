import { Reply, bytesReply } from '../http/reply';
import { avatarPng, thumbnailJpeg, videoMp4 } from '../media/images';
import type { Call, Route } from '../server/call';

const CACHE = { 'cache-control': 'max-age=604800' };
/**
 * pbs.twimg.com's `name=` sizes, scaled down to keep tests quick; without `name` it serves `medium`, and
 * `orig` is the file as uploaded, larger than any named size.
 */
const SIZES: Record<string, [number, number]> = { thumb: [32, 32], small: [64, 36], medium: [96, 54], large: [128, 72], orig: [256, 144] };

function photo(call: Call): Reply {
  const size = SIZES[call.ctx.query.get('name') ?? 'medium'];
  if (!size) return notFound();
  const [width, height] = size;
  return bytesReply(200, thumbnailJpeg(`x-${call.params[0]}`, width, height), 'image/jpeg', CACHE);
}

const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: { type: 'text', value: 'Not Found' } });

export const X_MEDIA_PREFIX = '/twimg/';

export const X_MEDIA_ROUTES: Route[] = [
  { methods: ['GET', 'HEAD'], path: /^\/twimg\/media\/([0-9_a-z]+)\.jpg$/, api: 'twitter.media.photo', surface: 'media', handler: photo },
  {
    methods: ['GET', 'HEAD'],
    path: /^\/twimg\/profile_images\/(\d+)\/avatar_normal\.jpg$/,
    api: 'twitter.media.avatar',
    surface: 'media',
    handler: (call) => bytesReply(200, avatarPng(`x-${call.params[0]}`, 48), 'image/png', CACHE),
  },
  {
    methods: ['GET', 'HEAD'],
    path: /^\/twimg\/(?:ext_tw_video\/(\d+)\/vid\/\d+x\d+\/(\w+)|tweet_video\/(\d+))\.mp4$/,
    api: 'twitter.media.video',
    surface: 'media',
    // Each rendition is a different file, so a client that picked the wrong one is noticed.
    handler: (call) => bytesReply(200, videoMp4(`x-${call.params[0] ?? call.params[2]}-${call.params[1] ?? 'gif'}`), 'video/mp4', CACHE),
  },
];
