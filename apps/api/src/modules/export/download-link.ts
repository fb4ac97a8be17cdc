import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { deriveKey } from '../auth';

/** Long enough to start a download in a browser, short enough that a leaked link soon stops working. */
export const DOWNLOAD_LINK_TTL_SECONDS = 300;

interface LinkClaims {
  /** export id */
  e: string;
  /** owner's user id */
  u: string;
  /** the session that made the link */
  s: string;
  /** expiry, seconds since the epoch */
  x: number;
}

/** Who a valid link was made for; the link works only while that session lasts. */
export interface LinkHolder {
  userId: string;
  sessionId: string;
}

/**
 * Signed download links: a browser navigating to a URL cannot send an Authorization header (the
 * spec's own client sets window.location.href), so the link carries a short-lived HMAC token bound
 * to one export, its owner and the session that made it: ending that session (logout, refresh-token
 * reuse, a Google link) ends the link too, on every instance, because the session is looked up in
 * the database whenever the link is used (ArchiveDownloads).
 */
@Injectable()
export class DownloadLinks {
  private readonly key: Buffer;

  constructor(@InjectConfig() config: AppConfig) {
    this.key = deriveKey(config.jwt.secret, 'export-download-link');
  }

  create(exportId: string, holder: LinkHolder, now = Date.now()): { token: string; expiresAt: Date } {
    const expiresAt = new Date(now + DOWNLOAD_LINK_TTL_SECONDS * 1000);
    const claims: LinkClaims = { e: exportId, u: holder.userId, s: holder.sessionId, x: Math.floor(expiresAt.getTime() / 1000) };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt };
  }

  /** Owner and session when `token` is a validly signed, unexpired link for `exportId`. */
  verify(token: string, exportId: string): LinkHolder | undefined {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: LinkClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
    } catch {
      return undefined;
    }
    if (claims.e !== exportId || typeof claims.u !== 'string' || typeof claims.s !== 'string') return undefined;
    if (!(claims.x * 1000 > Date.now())) return undefined;
    return { userId: claims.u, sessionId: claims.s };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
