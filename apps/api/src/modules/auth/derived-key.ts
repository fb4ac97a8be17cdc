import { hkdfSync } from 'node:crypto';

/**
 * A key for one purpose, derived from JWT_SECRET, so the one configured secret never signs two
 * kinds of thing with the same key.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'star-export', purpose, 32));
}
