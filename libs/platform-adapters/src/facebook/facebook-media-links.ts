import { MediaDownloadError } from '../errors';

/**
 * Whether a Facebook CDN download failed because its signed link expired: the CDN refuses an expired
 * or tampered link with 403 (410 for some objects), and the link's `oe` parameter says when it expires
 * (hex unix seconds). A link past its `oe` is expired whatever the failure looked like.
 */
export function mediaLinkExpired(url: string, error: unknown, now = Date.now()): boolean {
  if (error instanceof MediaDownloadError && (error.status === 403 || error.status === 410)) return true;
  let oe: string | null = null;
  try {
    oe = new URL(url).searchParams.get('oe');
  } catch {
    return false;
  }
  return oe !== null && /^[0-9a-f]{1,12}$/i.test(oe) && parseInt(oe, 16) * 1000 <= now;
}
