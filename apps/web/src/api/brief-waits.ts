import type { Middleware } from 'openapi-fetch';

/** The longest Retry-After, in seconds, waited out in place of showing the refusal. */
const LONGEST_WAIT_S = 5;

/** Copies of outgoing requests, so one refused with a short 429 can be sent again. */
const copies = new Map<string, Request>();

/**
 * The API allows 5 auth requests a second per address, which a burst the person did not make can
 * reach: the redirects back from Google, then the page's own refresh as it loads. A 429 that asks
 * for a wait of a few seconds is waited out and the request sent once more, so a page load does not
 * sign anyone out and a form does not fail for it; a longer wait is shown as the API words it.
 */
export const briefWaits: Middleware = {
  onRequest({ request, id }) {
    copies.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = copies.get(id);
    copies.delete(id);
    const wait = Number(response.headers.get('Retry-After') ?? Number.NaN);
    if (response.status !== 429 || !copy || !Number.isFinite(wait) || wait < 0 || wait > LONGEST_WAIT_S) return response;
    await new Promise((resolve) => window.setTimeout(resolve, Math.max(1, wait) * 1000));
    return fetch(copy);
  },
  onError({ id }) {
    copies.delete(id);
  },
};
