import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The sandbox's one Meta app, in Development mode with "Require App Secret" on: every Graph call with
 * a user token must carry appsecret_proof = hex HMAC-SHA256(access_token, app secret).
 */
export const FACEBOOK_SANDBOX_APP = { id: '1234567890123456', secret: 'sandbox-facebook-app-secret', name: 'Star Export Sandbox' } as const;

/** Short-lived user tokens from the login dialog last about two hours, long-lived ones about 60 days. */
export const SHORT_LIVED_SECONDS = 2 * 3600;
export const LONG_LIVED_SECONDS = 5_183_944;
/** Data access expires 90 days after the person last used the app. */
export const DATA_ACCESS_SECONDS = 90 * 86_400;

/** Permissions the login dialog can grant: all the Graph edges of an export read. */
export const FACEBOOK_PERMISSIONS = ['public_profile', 'email', 'user_posts', 'user_photos', 'user_videos', 'user_likes', 'user_friends'] as const;

export function proofOf(token: string, secret: string = FACEBOOK_SANDBOX_APP.secret): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

export function proofMatches(token: string, proof: string): boolean {
  const expected = Buffer.from(proofOf(token));
  const given = Buffer.from(proof);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
