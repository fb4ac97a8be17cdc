import type { SettingsReader } from '../settings/settings-reader';

/** Instagram's slice of the settings: the website, the browser that visits it, and how slowly it does. */
export interface InstagramOptions {
  /** INSTAGRAM_WEB_URL, default https://www.instagram.com; the web API is under `/api/v1/` beside the pages. */
  webUrl: string;
  /** CHROMIUM_PATH: the Chromium the session runs in, default /usr/bin/chromium. */
  chromiumPath: string;
  /** INSTAGRAM_MIN_DELAY_MS / INSTAGRAM_MAX_DELAY_MS: the random pause between two requests of one account, default 6-12 s. */
  minDelayMs: number;
  maxDelayMs: number;
  /** INSTAGRAM_RATE_LIMIT_WAIT_MS: the first wait after a 429, at least a minute; later ones double. */
  rateLimitWaitMs: number;
  /** INSTAGRAM_IDLE_CLOSE_MS: a connection's browser context closes after this long without a request. */
  idleCloseMs: number;
}

export const INSTAGRAM_OPTIONS = Symbol('INSTAGRAM_OPTIONS');

/** The web app id the site's own JavaScript sends as X-IG-App-ID. */
export const INSTAGRAM_APP_ID = '936619743392459';

export function readInstagramOptions(read: SettingsReader): InstagramOptions {
  const minDelayMs = read.int('INSTAGRAM_MIN_DELAY_MS', 6_000, 0, 600_000);
  const maxDelayMs = read.int('INSTAGRAM_MAX_DELAY_MS', Math.max(12_000, minDelayMs), 0, 600_000);
  if (maxDelayMs < minDelayMs) read.problems.push(`INSTAGRAM_MAX_DELAY_MS (${maxDelayMs}) must not be below INSTAGRAM_MIN_DELAY_MS (${minDelayMs})`);
  return {
    webUrl: read.url('INSTAGRAM_WEB_URL', 'https://www.instagram.com'),
    chromiumPath: read.string('CHROMIUM_PATH') ?? '/usr/bin/chromium',
    minDelayMs,
    maxDelayMs,
    rateLimitWaitMs: read.int('INSTAGRAM_RATE_LIMIT_WAIT_MS', 60_000, 60_000, 3_600_000),
    idleCloseMs: read.int('INSTAGRAM_IDLE_CLOSE_MS', 60_000, 1_000, 3_600_000),
  };
}
