import { jsonReply } from '../http/reply';
import { httpStatusText } from '../http/status-text';
import { googleError, googleNotFoundPage } from './api-error';
import { OAUTH_ROUTES } from './routes';
import type { SandboxPlatform } from '../platform';

/** Google's OAuth 2.0 and OpenID Connect endpoints: sign-in and YouTube's grants. */
export const GOOGLE_SANDBOX: SandboxPlatform = {
  name: 'google',
  routes: OAUTH_ROUTES,
  prefixes: ['/o/oauth2/', '/oauth2/', '/v1/', '/.well-known/'],
  notFound: googleNotFoundPage,
  internalError: googleInternalError,
  faultReplies: {
    // RFC 6749 §5.2 errors, with the code a client would get for that status.
    oauth: (status, reason, message) => {
      const error =
        reason ?? (status === 400 ? 'invalid_grant' : status === 401 ? 'invalid_client' : status >= 500 || status === 429 ? 'temporarily_unavailable' : 'invalid_request');
      return jsonReply(status, { error, error_description: message ?? httpStatusText(status) });
    },
  },
};

export function googleInternalError() {
  return googleError({ code: 500, message: 'Internal error encountered.', errors: [{ message: 'Internal error encountered.', domain: 'global', reason: 'backendError' }], status: 'INTERNAL' });
}
