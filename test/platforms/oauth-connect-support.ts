import request from 'supertest';
import { database } from '../support/auth-helpers';
import { Harness, User, clientAddress } from './platforms-support';

export const CALLBACK_PATH = '/api/platforms/youtube/oauth/callback';

/** GET /oauth as the user, without following the redirect. */
export function startOAuth(h: Harness, user: User, query = '', platform = 'youtube'): request.Test {
  return request(h.t.url).get(`/api/platforms/${platform}/oauth${query}`).set(user.auth).redirects(0);
}

export interface BindingCookie {
  name: string;
  value: string;
  /** `name=value`, as a browser sends it back. */
  pair: string;
  /** The Set-Cookie line, attributes included. */
  line: string;
}

/** The browser-binding cookie a start answer sets (exactly one). */
export function bindingCookie(res: request.Response): BindingCookie {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  expect(lines).toHaveLength(1);
  const line = lines[0];
  const pair = line.split(';')[0];
  const separator = pair.indexOf('=');
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), pair, line };
}

/** What an SPA does first: the consent URL from `?mode=json`, and the cookie its browser now holds. */
export async function beginConnect(h: Harness, user: User): Promise<{ authorizationUrl: string; cookie: BindingCookie }> {
  const res = await startOAuth(h, user, '?mode=json').expect(200);
  return { authorizationUrl: (res.body as { data: { authorizationUrl: string } }).data.authorizationUrl, cookie: bindingCookie(res) };
}

/** The browser at the sandbox's consent screen, which consents at once: where it is sent back to. */
export async function consent(authorizationUrl: string): Promise<URL> {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') as string);
}

/** A browser arriving back at the app's callback (a public route: from an address of its own), with the cookies it holds. */
export function callback(h: Harness, url: URL, cookie?: string): request.Test {
  expect(url.origin + url.pathname).toBe(`${h.t.url}${url.pathname}`);
  const test = request(h.t.url)
    .get(url.pathname + url.search)
    .set('X-Forwarded-For', clientAddress())
    .redirects(0);
  return cookie === undefined ? test : test.set('Cookie', cookie);
}

/** Platform connections in the app's database: the user's, or everybody's. */
export async function connectionCount(h: Harness, userId?: string): Promise<number> {
  const rows: { count: number }[] =
    userId === undefined
      ? await database(h.t).query('SELECT count(*)::int AS count FROM platform_connections')
      : await database(h.t).query('SELECT count(*)::int AS count FROM platform_connections WHERE user_id = $1', [userId]);
  return rows[0].count;
}

/** Where the sandbox's request log stands now. */
export function logMark(h: Harness): number {
  return h.sandbox.admin.log({ limit: 1 }).lastSeq;
}

/** Calls to the sandbox's token endpoint since `mark`: a code redeemed (or a refresh) shows here. */
export function tokenCallsSince(h: Harness, mark: number): number {
  return h.sandbox.admin.log({ api: 'oauth.token', since: mark }).entries.length;
}
