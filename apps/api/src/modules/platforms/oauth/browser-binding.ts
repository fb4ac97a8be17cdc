import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { PENDING_CONNECT_TTL_MINUTES } from './pending-oauth-connects';

const COOKIE_PREFIX = 'star_export_connect_';

/** The route the platform sends the browser back to; the only path the binding cookie is sent to. */
export const oauthCallbackPath = (platform: string): string => `/api/platforms/${platform}/oauth/callback`;

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/**
 * Ties a platform OAuth connect to the browser that started it. The authenticated request that starts
 * the flow (an SPA's same-origin fetch with its bearer token) gets a random nonce in an HttpOnly,
 * SameSite=Lax cookie sent only to the callback; the pending state keeps its hash. The callback
 * connects only when the browser that comes back holds that nonce, so a consent URL handed to someone
 * else is refused in their browser (they hold no nonce) and connects nothing.
 *
 * Each flow has a cookie of its own, named after its state, so two connects started in one browser
 * (two tabs, a double click) do not undo each other.
 */
@Injectable()
export class OAuthBrowserBinding {
  private readonly secure: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.secure = config.publicUrl.startsWith('https:');
  }

  /** A fresh nonce for a flow, and the hash to keep with its state. */
  issue(): { nonce: string; hash: string } {
    const nonce = randomBytes(32).toString('base64url');
    return { nonce, hash: sha256(nonce) };
  }

  /** Hands the flow's nonce to the browser that starts it, once its state is stored. */
  bind(response: Response, platform: string, state: string, nonce: string): void {
    response.cookie(cookieName(state), nonce, { ...this.options(platform), maxAge: PENDING_CONNECT_TTL_MINUTES * 60_000 });
  }

  /** Whether the browser holds the flow's nonce. The cookie is single-use: it is cleared either way. */
  check(request: Request, response: Response, platform: string, state: string, expectedHash: string): boolean {
    const name = cookieName(state);
    const nonce = requestCookie(request, name);
    response.clearCookie(name, this.options(platform));
    if (nonce === undefined) return false;
    const given = Buffer.from(sha256(nonce));
    const expected = Buffer.from(expectedHash);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Clears the flow's cookie, when the callback is refused before the state could be read. */
  forget(response: Response, platform: string, state: string): void {
    response.clearCookie(cookieName(state), this.options(platform));
  }

  private options(platform: string): CookieOptions {
    // Lax: the browser comes back from the platform by a top-level GET, which Lax cookies accompany.
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: oauthCallbackPath(platform) };
  }
}

/** A short, cookie-safe name derived from the state (which travels in URLs anyway). */
function cookieName(state: string): string {
  return `${COOKIE_PREFIX}${sha256(state).slice(0, 16)}`;
}

function requestCookie(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
