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
};

export function googleInternalError() {
  return googleError({ code: 500, message: 'Internal error encountered.', errors: [{ message: 'Internal error encountered.', domain: 'global', reason: 'backendError' }], status: 'INTERNAL' });
}
