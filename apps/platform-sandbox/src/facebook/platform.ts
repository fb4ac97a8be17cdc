import { rollingWindow } from '../core/quota-window';
import type { SandboxPlatform } from '../platform';
import { FACEBOOK_EDGE_ROUTES } from './edges';
import { facebookOf } from './facebook-account';
import { graphErrors, graphFaultReply, graphNotFound } from './graph-error';
import { FACEBOOK_MEDIA_ROUTES } from './media';
import { FACEBOOK_OAUTH_ROUTES } from './oauth';

/** Meta's default: 200 calls per hour per daily active user of the app, counted over a rolling hour. */
export const FACEBOOK_CALLS_PER_HOUR = 200;

/** The Graph API (any `/vNN.N/` version), Facebook Login and the fbcdn media links; calls per rolling hour. */
export const FACEBOOK_SANDBOX: SandboxPlatform = {
  name: 'facebook',
  // OAuth routes first: `/vNN.N/oauth/…` and `/vNN.N/debug_token` are not objects.
  routes: [...FACEBOOK_OAUTH_ROUTES, ...FACEBOOK_EDGE_ROUTES, ...FACEBOOK_MEDIA_ROUTES],
  prefixes: ['/v', '/fbcdn/'],
  notFound: graphNotFound,
  internalError: graphErrors.internal,
  faultReplies: { facebook: graphFaultReply },
  prepareAccount: (account) => void facebookOf(account),
  quota: (options) => ({ window: rollingWindow(3600_000, 60, 'rolling-hour'), defaultLimit: FACEBOOK_CALLS_PER_HOUR, scope: options.quotaScope }),
};
