import { Reply, bytesReply, htmlReply, redirectReply } from '../http/reply';
import type { Call, Route } from '../server/call';
import type { VideoRef } from '../synthetic/universe';
import { THUMBNAIL_FILES } from './thumbnails';
import { avatarPng, placeholderJpeg, thumbnailJpeg, videoMp4 } from '../media/images';

const CACHE = { 'cache-control': 'public, max-age=86400' };
const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: { type: 'text', value: 'Not Found' } });

/** A video whose media may be served: it exists and is not deleted. Privacy is not enforced on media, as on YouTube's CDN. */
function servableVideo(call: Call, id: string): VideoRef | null {
  const ref = call.state.universe.video(id);
  return ref && !ref.channel.videoFacts(ref.index).deleted ? ref : null;
}

function thumbnail(call: Call): Reply {
  const [id, file] = call.params;
  const size = THUMBNAIL_FILES[file];
  if (!size || !servableVideo(call, id)) return notFound();
  return bytesReply(200, thumbnailJpeg(id, size.width, size.height), 'image/jpeg', CACHE);
}

function avatar(call: Call): Reply {
  const [channelId, size] = call.params;
  const pixels = Number(size ?? 88);
  if (pixels < 1 || pixels > 900 || !call.state.universe.channelById(channelId)) return notFound();
  return bytesReply(200, avatarPng(channelId, pixels), 'image/png', CACHE);
}

/** Single byte ranges, which is what players and download tools ask for. */
function withRange(call: Call, bytes: Buffer, contentType: string): Reply {
  const headers = { ...CACHE, 'accept-ranges': 'bytes' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(call.ctx.header('range') ?? '');
  if (!range || (range[1] === '' && range[2] === '')) return bytesReply(200, bytes, contentType, headers);
  let start: number;
  let end: number;
  if (range[1] === '') {
    start = Math.max(0, bytes.length - Number(range[2]));
    end = bytes.length - 1;
  } else {
    start = Number(range[1]);
    end = range[2] === '' ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
  }
  if (start >= bytes.length || start > end) {
    return { status: 416, headers: { 'content-range': `bytes */${bytes.length}` }, body: { type: 'empty' } };
  }
  return bytesReply(206, bytes.subarray(start, end + 1), contentType, { ...headers, 'content-range': `bytes ${start}-${end}/${bytes.length}` });
}

function videoFile(call: Call): Reply {
  const [id] = call.params;
  if (!servableVideo(call, id)) return notFound();
  return withRange(call, videoMp4(id), 'video/mp4');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).split('\u0000').join('');

/**
 * A watch page with an HTML5 <video> element and og: tags, which yt-dlp's generic extractor
 * understands: `yt-dlp http://127.0.0.1:5100/watch?v=<id>`.
 */
function watchPage(call: Call): Reply {
  const id = call.params[0] ?? call.ctx.query.get('v') ?? '';
  const ref = servableVideo(call, id);
  if (!ref) return htmlReply(404, '<!DOCTYPE html><title>Video unavailable</title><p>This video is unavailable.</p>');
  const title = escapeHtml(ref.channel.videoTitle(ref.index));
  const src = `${call.state.baseUrl}/media/videos/${id}.mp4`;
  const thumb = `${call.state.baseUrl}/vi/${id}/hqdefault.jpg`;
  return htmlReply(
    200,
    `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title} - YouTube</title>
<meta property="og:title" content="${title}">
<meta property="og:type" content="video.other">
<meta property="og:image" content="${thumb}">
</head><body>
<h1>${title}</h1>
<video controls width="640" height="360" poster="${thumb}" src="${src}"></video>
</body></html>
`,
  );
}

/** An open redirect, used only by hostile thumbnail URLs to test that media fetchers re-check every hop. */
function redirect(call: Call): Reply {
  const to = call.ctx.query.get('to');
  return to ? redirectReply(to) : notFound();
}

/** YouTube's CDN and watch pages: thumbnails (i.ytimg.com), avatars (yt3.ggpht.com), video files and the watch page yt-dlp reads. */
export const YOUTUBE_MEDIA_ROUTES: Route[] = [
  { methods: ['GET', 'HEAD'], path: /^\/vi\/([A-Za-z0-9_-]{11})\/([a-z]+)\.jpg$/, api: 'media.thumbnail', surface: 'media', handler: thumbnail },
  { methods: ['GET', 'HEAD'], path: /^\/ytc\/(UC[A-Za-z0-9_-]{22})=s(\d{1,3})(?:-[A-Za-z0-9-]*)?$/, api: 'media.avatar', surface: 'media', handler: avatar },
  {
    methods: ['GET', 'HEAD'],
    path: '/img/no_thumbnail.jpg',
    api: 'media.thumbnail',
    surface: 'media',
    handler: () => bytesReply(200, placeholderJpeg(480, 360), 'image/jpeg', CACHE),
  },
  { methods: ['GET', 'HEAD'], path: /^\/media\/videos\/([A-Za-z0-9_-]{11})\.mp4$/, api: 'media.video', surface: 'media', handler: videoFile },
  { methods: ['GET', 'HEAD'], path: '/watch', api: 'media.watch', surface: 'html', handler: watchPage },
  { methods: ['GET', 'HEAD'], path: /^\/embed\/([A-Za-z0-9_-]{11})$/, api: 'media.watch', surface: 'html', handler: watchPage },
  { methods: ['GET', 'HEAD'], path: '/media/redirect', api: 'media.redirect', surface: 'media', handler: redirect },
];
