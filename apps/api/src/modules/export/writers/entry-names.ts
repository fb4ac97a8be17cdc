import { createHash } from 'node:crypto';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
const MAX_SEGMENT_BYTES = 120;

/**
 * One path segment of a ZIP entry, safe on every OS we know of: platform text (titles, ids) never
 * becomes `..`, an absolute path, a drive letter, a control or bidi character, or a reserved name.
 * Returns `fallback` when nothing usable is left.
 */
export function safeSegment(raw: string, fallback = 'item'): string {
  let name = raw
    .normalize('NFC')
    // Control characters and bidi overrides/isolates, which can disguise an extension.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/\.{2,}/g, '.')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (WINDOWS_RESERVED.test(name.split('.')[0] ?? '')) name = `_${name}`;
  name = truncateUtf8(name, MAX_SEGMENT_BYTES);
  return name.length > 0 ? name : fallback;
}

/** Platform ids as file names: kept when plain, otherwise replaced by a stable hash. */
export function safeId(id: string): string {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(id)) return id;
  return createHash('sha256').update(id).digest('hex').slice(0, 32);
}

function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  let out = '';
  for (const char of value) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}
