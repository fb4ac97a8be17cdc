import { hash32, hashString } from '../core/prng';
import { encodeH264 } from './h264';
import { Rgb, encodeJpeg } from './jpeg';
import { muxMp4 } from './mp4';
import { encodePng } from './png';

function hueColor(hash: number, lightness: number): Rgb {
  // A cheap HSL-ish palette: the hash picks a hue, lightness scales the channels.
  const hue = (hash % 360) / 60;
  const x = 1 - Math.abs((hue % 2) - 1);
  const [r, g, b] = hue < 1 ? [1, x, 0] : hue < 2 ? [x, 1, 0] : hue < 3 ? [0, 1, x] : hue < 4 ? [0, x, 1] : hue < 5 ? [x, 0, 1] : [1, 0, x];
  const scale = (v: number): number => Math.round(40 + v * 180 * lightness);
  return [scale(r), scale(g), scale(b)];
}

/** A video thumbnail: a colour field unique to the video with a light "play" triangle in the middle. */
export function thumbnailJpeg(videoId: string, width: number, height: number): Buffer {
  const h = hashString(videoId);
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  return encodeJpeg(width, height, (bx, by) => {
    const cx = (bx + 0.5) / blocksX - 0.5;
    const cy = (by + 0.5) / blocksY - 0.5;
    const inTriangle = cx > -0.12 && cx < 0.14 && Math.abs(cy) < (0.14 - cx) * 0.9;
    return inTriangle ? [245, 245, 245] : hueColor(h + Math.floor((60 * bx) / blocksX), 0.5 + (by / blocksY) * 0.5);
  });
}

export function placeholderJpeg(width: number, height: number): Buffer {
  return encodeJpeg(width, height, () => [204, 204, 204]);
}

/** A round channel avatar on white, PNG like yt3.ggpht.com serves for some sizes. */
export function avatarPng(channelId: string, size: number): Buffer {
  const [r, g, b] = hueColor(hashString(channelId), 0.8);
  const radius = size / 2;
  return encodePng(size, size, (x, y) => {
    const d = Math.hypot(x + 0.5 - radius, y + 0.5 - radius);
    if (d > radius) return [255, 255, 255];
    return d > radius * 0.55 ? [r, g, b] : [Math.min(255, r + 60), Math.min(255, g + 60), Math.min(255, b + 60)];
  });
}

const FRAME_MS = 100;
const SECONDS = 3;
const W_MBS = 4;
const H_MBS = 4;
const cache = new Map<string, Buffer>();

/** A 3-second 64×64 H.264 MP4 (about 20 KB) whose colours differ per video and per second. */
export function videoMp4(videoId: string): Buffer {
  const cached = cache.get(videoId);
  if (cached) return cached;
  const seed = hashString(videoId);
  const framesPerSecond = 1000 / FRAME_MS;
  const stream = encodeH264(W_MBS, H_MBS, SECONDS * framesPerSecond, framesPerSecond, (frame, mbx, mby) => {
    const h = hash32(seed, Math.floor(frame / framesPerSecond), mbx >> 1, mby >> 1);
    return { y: 40 + (h % 180), cb: 16 + ((h >>> 8) % 224), cr: 16 + ((h >>> 16) % 224) };
  });
  const mp4 = muxMp4(stream, { width: W_MBS * 16, height: H_MBS * 16, frameDurationMs: FRAME_MS });
  if (cache.size >= 64) cache.clear();
  cache.set(videoId, mp4);
  return mp4;
}
