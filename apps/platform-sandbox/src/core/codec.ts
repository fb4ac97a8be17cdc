import { Rng, fmix32 } from './prng';

/**
 * Reversible id codecs. Synthetic ids look like YouTube's (11-character video ids, `UC…` channels,
 * `PL…` playlists) but carry their own coordinates, scrambled by a keyed Feistel network, so that
 * `videos.list?id=…` can find item i of a million-video channel without an index.
 */

export const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Map<string, number>([...B64URL].map((char, i) => [char, i]));
const ROUND_KEYS = [0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c];

export interface Word64 {
  hi: number;
  lo: number;
}

function feistel(hi: number, lo: number, reverse: boolean): Word64 {
  let left = hi >>> 0;
  let right = lo >>> 0;
  if (!reverse) {
    for (const key of ROUND_KEYS) [left, right] = [right, (left ^ fmix32(right ^ key)) >>> 0];
  } else {
    for (const key of [...ROUND_KEYS].reverse()) [left, right] = [(right ^ fmix32(left ^ key)) >>> 0, left];
  }
  return { hi: left, lo: right };
}

/**
 * 64 bits as 11 base64url characters. The last character carries only 4 bits, so it is one of
 * `AEIMQUYcgkosw048`, exactly like real YouTube video ids.
 */
export function encode64(word: Word64): string {
  const { hi, lo } = feistel(word.hi, word.lo, false);
  const sextets = [
    hi >>> 26,
    (hi >>> 20) & 63,
    (hi >>> 14) & 63,
    (hi >>> 8) & 63,
    (hi >>> 2) & 63,
    ((hi & 3) << 4) | (lo >>> 28),
    (lo >>> 22) & 63,
    (lo >>> 16) & 63,
    (lo >>> 10) & 63,
    (lo >>> 4) & 63,
    (lo & 15) << 2,
  ];
  return sextets.map((s) => B64URL[s]).join('');
}

export function decode64(text: string): Word64 | null {
  if (text.length !== 11) return null;
  const s: number[] = [];
  for (const char of text) {
    const value = B64_INDEX.get(char);
    if (value === undefined) return null;
    s.push(value);
  }
  if ((s[10] & 3) !== 0) return null;
  const hi = ((s[0] << 26) | (s[1] << 20) | (s[2] << 14) | (s[3] << 8) | (s[4] << 2) | (s[5] >>> 4)) >>> 0;
  const lo = (((s[5] & 15) << 28) | (s[6] << 22) | (s[7] << 16) | (s[8] << 10) | (s[9] << 4) | (s[10] >>> 2)) >>> 0;
  return feistel(hi, lo, true);
}

/** Deterministic base64url padding so an id reaches a realistic length; checked again on decode. */
export function filler(seed: number, length: number, lastChars?: string): string {
  const rng = new Rng(seed);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += i === length - 1 && lastChars ? lastChars[rng.int(lastChars.length)] : B64URL[rng.int(64)];
  }
  return out;
}

/**
 * Page tokens in Google's style: base64url of a tiny protobuf message {1: offset, 2: direction},
 * e.g. `CAUQAA` is "offset 5, forward". Google's tokens are opaque; so are these.
 */
export function encodePageToken(offset: number, backwards: boolean): string {
  const bytes = [0x08, ...varint(offset), 0x10, backwards ? 1 : 0];
  return Buffer.from(bytes).toString('base64url');
}

export function decodePageToken(token: string): number | null {
  if (!/^[A-Za-z0-9_-]{4,16}$/.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes[0] !== 0x08) return null;
  let offset = 0;
  let shift = 0;
  let i = 1;
  for (; i < bytes.length && i < 6; i++) {
    offset += (bytes[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if ((bytes[i] & 0x80) === 0) break;
  }
  i++;
  if (bytes[i] !== 0x10 || (bytes[i + 1] !== 0 && bytes[i + 1] !== 1) || bytes.length !== i + 2) return null;
  // Re-encoding must give the same text, which rejects padding tricks and non-canonical varints.
  return encodePageToken(offset, bytes[i + 1] === 1) === token ? offset : null;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}
