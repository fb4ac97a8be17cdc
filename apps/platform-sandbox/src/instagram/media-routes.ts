import { bytesReply, type Reply } from '../http/reply';
import { avatarPng, thumbnailJpeg, videoMp4 } from '../media/images';
import type { Route } from '../server/call';

const CACHE = { 'cache-control': 'max-age=1209600, no-transform' };
const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: { type: 'text', value: 'Not Found' } });

/** scontent.cdninstagram.com: every rendition is its own file, so a client that took a smaller one is noticed. */
export const INSTAGRAM_MEDIA_ROUTES: Route[] = [
  {
    methods: ['GET', 'HEAD'],
    path: /^\/cdninstagram\/v\/t51\.2885-15\/(\d+)_(\d+)x(\d+)\.jpg$/,
    api: 'instagram.media.image',
    surface: 'media',
    handler: (call) => {
      const [pk, w, h] = call.params;
      return Number(w) > 1080 ? notFound() : bytesReply(200, thumbnailJpeg(`ig-${pk}-${w}`, Number(w), Number(h)), 'image/jpeg', CACHE);
    },
  },
  {
    methods: ['GET', 'HEAD'],
    path: /^\/cdninstagram\/v\/t51\.2885-19\/(\d+)_(\d+)x\d+\.jpg$/,
    api: 'instagram.media.avatar',
    surface: 'media',
    handler: (call) => bytesReply(200, avatarPng(`ig-${call.params[0]}-${call.params[1]}`, 48), 'image/png', CACHE),
  },
  {
    methods: ['GET', 'HEAD'],
    path: /^\/cdninstagram\/o1\/v\/t16\/(\d+)_(\d+x\d+)\.mp4$/,
    api: 'instagram.media.video',
    surface: 'media',
    handler: (call) => bytesReply(200, videoMp4(`ig-${call.params[0]}-${call.params[1]}`), 'video/mp4', CACHE),
  },
];

