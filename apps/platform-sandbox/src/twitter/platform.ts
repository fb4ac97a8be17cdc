import { fixedWindows } from '../core/quota-window';
import { httpStatusText } from '../http/status-text';
import { jsonReply } from '../http/reply';
import type { SandboxPlatform } from '../platform';
import { problem } from './api';
import { X_MEDIA_PREFIX, X_MEDIA_ROUTES } from './media-routes';
import { X_OAUTH_ROUTES } from './oauth';
import { X_API_ROUTES } from './routes';
import { xOf } from './twitter-account';

/**
 * X API v2 (`/2/…`), its OAuth 2.0 consent and token endpoints and its media hosts. Requests are
 * metered per user and endpoint in fixed 15-minute windows (bucket `<account>:<endpoint>`).
 */
export const TWITTER_SANDBOX: SandboxPlatform = {
  name: 'twitter',
  routes: [...X_OAUTH_ROUTES, ...X_API_ROUTES, ...X_MEDIA_ROUTES],
  prefixes: ['/2/', '/i/oauth2/', X_MEDIA_PREFIX],
  notFound: () => problem(404, 'Not Found Error', 'Sorry, that page does not exist.'),
  internalError: () => problem(500, 'Internal Server Error', 'Internal Server Error'),
  faultReplies: {
    twitter: (status, _reason, message) => problem(status, httpStatusText(status), message ?? httpStatusText(status)),
    'twitter-oauth': (status, reason, message) => jsonReply(status, { error: reason ?? (status === 401 ? 'unauthorized_client' : 'invalid_request'), error_description: message ?? httpStatusText(status) }),
  },
  prepareAccount: (account) => void xOf(account),
  quota: () => ({ window: fixedWindows(15 * 60 * 1000, 'fifteen-minutes'), defaultLimit: 900, scope: 'account' }),
};
