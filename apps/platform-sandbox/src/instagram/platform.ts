import type { SandboxPlatform } from '../platform';
import { instagramOf } from './instagram-account';
import { INSTAGRAM_MEDIA_ROUTES } from './media-routes';
import { IG_MEDIA_PREFIX } from './objects';
import { INSTAGRAM_PAGE_ROUTES } from './pages';
import { INSTAGRAM_API_ROUTES } from './routes';
import { IG_PREFIX } from './session';
import { plainJsonReply } from '../http/reply';

/**
 * The Instagram website as a logged-in phone browser sees it: the HTML shell, the web API behind it
 * (cookie session, X-IG-App-ID, CSRF on POST, max_id cursors) and the CDN. It has no quota ledger: the
 * site's limits are unpublished, so tests answer with 429s through fault rules (surface `instagram`).
 */
export const INSTAGRAM_SANDBOX: SandboxPlatform = {
  name: 'instagram',
  routes: [...INSTAGRAM_PAGE_ROUTES, ...INSTAGRAM_API_ROUTES, ...INSTAGRAM_MEDIA_ROUTES],
  prefixes: [`${IG_PREFIX}/`, IG_MEDIA_PREFIX],
  notFound: () => plainJsonReply(404, { message: 'Page not found', status: 'fail' }),
  internalError: () => plainJsonReply(500, { message: 'Oops, an error occurred.', status: 'fail' }),
  faultReplies: {
    instagram: (status, _reason, message) =>
      plainJsonReply(status, { message: message ?? (status === 429 ? 'Please wait a few minutes before you try again.' : 'Oops, an error occurred.'), status: 'fail' }),
  },
  prepareAccount: (account) => void instagramOf(account),
};

