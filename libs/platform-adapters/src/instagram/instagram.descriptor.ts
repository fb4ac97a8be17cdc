import type { PlatformDescriptor } from '@app/contracts';

/**
 * Instagram has no API for personal accounts, so it is read through the website with the user's
 * session cookies. The limit shown is the sliding window instaloader found by experiment (200 requests
 * per 11 minutes); the pacing keeps far below it.
 */
export const INSTAGRAM_DESCRIPTOR: PlatformDescriptor = {
  name: 'instagram',
  displayName: 'Instagram',
  authType: 'cookies',
  exportFormats: ['json', 'csv', 'html'],
  features: { profile: true, posts: true, reels: true, stories: true, highlights: true, saved: true, comments: true },
  limits: [{ bucket: 'default', unit: 'request', limit: 200, reset: { type: 'window', seconds: 660 } }],
};

/** Shown when a user connects, and in the README: what automated reading can cost an account. */
export const INSTAGRAM_RISK_WARNING =
  'Instagram may rate-limit, challenge or lock accounts it sees used by automation. Star Export reads one request at a time with a random pause between requests, waits at least a minute when Instagram answers 429 and then pauses the export for growing periods, and stops at once, without retrying, when Instagram ends the session or asks for a security check.';
