import { createHmac, timingSafeEqual } from 'node:crypto';
import { bytesReply, type Reply } from '../http/reply';
import { thumbnailJpeg, videoMp4 } from '../media/images';
import type { Call, Route } from '../server/call';

/** Signed CDN links stop working an hour after they were handed out (sandbox clock), as Meta's `oe` says. */
export const MEDIA_LINK_TTL_MS = 3600_000;
const KEY = 'sandbox-fbcdn-signing-key';

const sign = (path: string, expiresHex: string): string => createHmac('sha256', KEY).update(`${path}|${expiresHex}`).digest('hex').slice(0, 32);

/** A link like scontent.xx.fbcdn.net's: `oe` the expiry (hex unix seconds), `oh` the signature. */
export function signedLink(call: Call, path: string): string {
  const expiresHex = Math.floor((call.state.now() + MEDIA_LINK_TTL_MS) / 1000).toString(16).toUpperCase();
  return `${call.state.baseUrl}${path}?_nc_ht=scontent.sandbox&oh=${sign(path, expiresHex)}&oe=${expiresHex}`;
}

export const photoSource = (call: Call, id: string, width: number, height: number): string => signedLink(call, `/fbcdn/p/${id}/${width}x${height}.jpg`);
export const videoSource = (call: Call, id: string): string => signedLink(call, `/fbcdn/v/${id}.mp4`);

const refused = (text: string): Reply => ({ status: 403, headers: { 'content-type': 'text/plain' }, body: { type: 'text', value: text } });

/** Whether a link's signature holds and it has not expired. */
function verify(call: Call): Reply | null {
  const oh = call.ctx.query.get('oh') ?? '';
  const oe = call.ctx.query.get('oe') ?? '';
  const expected = Buffer.from(sign(call.ctx.path, oe));
  if (!/^[0-9A-F]+$/.test(oe) || oh.length !== expected.length || !timingSafeEqual(Buffer.from(oh), expected)) return refused('Bad signature');
  if (parseInt(oe, 16) * 1000 <= call.state.now()) return refused('URL signature expired');
  return null;
}

const CACHE = { 'cache-control': 'max-age=1209600, no-transform' };

/** The CDN: photo renditions and video files behind signed, expiring links. */
export const FACEBOOK_MEDIA_ROUTES: Route[] = [
  {
    methods: ['GET'],
    path: /^\/fbcdn\/p\/(\d+)\/(\d+)x(\d+)\.jpg$/,
    api: 'facebook.media.photo',
    surface: 'media',
    handler: (call) => {
      const [id, width, height] = call.params;
      return verify(call) ?? bytesReply(200, thumbnailJpeg(id, Number(width), Number(height)), 'image/jpeg', CACHE);
    },
  },
  {
    methods: ['GET'],
    path: /^\/fbcdn\/v\/(\d+)\.mp4$/,
    api: 'facebook.media.video',
    surface: 'media',
    handler: (call) => verify(call) ?? bytesReply(200, videoMp4(call.params[0]), 'video/mp4', CACHE),
  },
];
