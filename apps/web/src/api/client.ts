import createClient from 'openapi-fetch';
import type { Middleware } from 'openapi-fetch';
import { briefWaits } from './brief-waits';
import type { components, paths } from './schema';
import { session } from './session';

export type Schemas = components['schemas'];
export type ErrorEnvelope = Schemas['ErrorEnvelopeDto'];

const EXPIRED = 'Your session has ended. Please sign in again.';

/** Copies of outgoing requests, so one refused with 401 can be sent again after a quiet refresh. */
const retries = new Map<string, Request>();

/**
 * Adds the bearer token; on a 401 refreshes once and repeats the request. When the session cannot be
 * renewed it ends, and the app goes back to the sign-in page with a message.
 */
const bearer: Middleware = {
  onRequest({ request, id }) {
    if (session.token) request.headers.set('Authorization', `Bearer ${session.token}`);
    retries.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !copy || !session.hasStoredSession) return response;
    if (!(await session.refresh())) {
      session.end(EXPIRED);
      return response;
    }
    copy.headers.set('Authorization', `Bearer ${session.token}`);
    const again = await fetch(copy);
    if (again.status === 401) session.end(EXPIRED);
    return again;
  },
  onError({ id }) {
    retries.delete(id);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
// briefWaits after bearer: its copy carries the token, and it answers before bearer looks for a 401.
api.use(bearer, briefWaits);

/** What to show for a failed call: the API's own message (and which fields it refused), or a plain one. */
export function messageOf(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (!isEnvelope(error)) return fallback;
  const fields = (error.details ?? []).map((detail) => `${detail.field}: ${detail.messages.join(', ')}`);
  return fields.length > 0 ? `${error.error} (${fields.join('; ')})` : error.error;
}

export function codeOf(error: unknown): string | undefined {
  return isEnvelope(error) ? error.code : undefined;
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  return typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string';
}
