import { createHmac } from 'node:crypto';
import request from 'supertest';
import type { AccountSpec, LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds } from '../support/archive';
import type { Archive, Manifest } from '../support/archive';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import type { ExportUser, Service } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { pacer } from '../support/pacing';
import { startSandboxHarness } from '../support/sandbox-harness';
import type { SandboxHarness } from '../support/sandbox-harness';
import type { TestEnv } from '../support/test-app';

// Helpers for running Facebook exports through the whole service against the sandbox's Graph API.

export const COLLECTIONS = ['profile', 'posts', 'photos', 'tagged-photos', 'albums', 'videos', 'likes', 'friends'] as const;
export type Collection = (typeof COLLECTIONS)[number];
export type AccountIds = Record<Collection, string[]> & { userId: string };

export type FacebookHarness = SandboxHarness;

/** The sandbox and the app, with pacing shortened so a rising usage costs milliseconds, not minutes. */
export function startFacebookHarness(env: (sandbox: RunningSandbox) => TestEnv = () => ({})): Promise<FacebookHarness> {
  return startSandboxHarness({}, (sandbox) => ({ FACEBOOK_SLOWDOWN_MS: '40', ...env(sandbox) }));
}

/** A short-lived user token of `account`, through the sandbox's login dialog and code exchange, as a person would get one. */
export async function loginToken(sandbox: RunningSandbox, account: string): Promise<string> {
  sandbox.admin.setConsent({ account });
  const redirect = 'http://127.0.0.1:9/callback';
  const dialog = new URL(`${sandbox.env.FACEBOOK_GRAPH_URL}/dialog/oauth`);
  dialog.search = new URLSearchParams({
    client_id: sandbox.env.FACEBOOK_APP_ID,
    redirect_uri: redirect,
    state: 's',
    scope: 'user_posts,user_photos,user_videos,user_likes,user_friends',
  }).toString();
  const consent = await fetch(dialog, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string;
  const exchange = new URL(`${sandbox.env.FACEBOOK_GRAPH_URL}/oauth/access_token`);
  exchange.search = new URLSearchParams({
    client_id: sandbox.env.FACEBOOK_APP_ID,
    client_secret: sandbox.env.FACEBOOK_APP_SECRET,
    redirect_uri: redirect,
    code,
  }).toString();
  const body = (await (await fetch(exchange)).json()) as { access_token: string };
  return body.access_token;
}

/** A new user with `account` connected by pasting a short-lived token into POST /api/platforms/facebook/connect. */
export async function connectFacebook(service: Service, sandbox: RunningSandbox, account: string): Promise<ExportUser & { account: string }> {
  const { session } = await registerUser(service, { email: uniqueEmail('fb'), name: 'Facebook Tester' });
  const auth = { Authorization: `Bearer ${session.token}` };
  const accessToken = await loginToken(sandbox, account);
  const res = await request(service.url).post('/api/platforms/facebook/connect').set(auth).send({ accessToken });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { session, auth, platform: 'facebook', account, pace: pacer() };
}

interface GraphList {
  id?: string;
  data?: { id: string }[];
  paging?: { next?: string };
}

/**
 * What the sandbox serves of `account`, read from its own Graph API with a token of its own, every list
 * to its end; then the account is reset (same data, no tokens, fresh call budget).
 */
export async function sandboxIds(sandbox: RunningSandbox, account: string): Promise<AccountIds> {
  const token = await loginToken(sandbox, account);
  const proof = createHmac('sha256', sandbox.env.FACEBOOK_APP_SECRET).update(token).digest('hex');
  const get = async (link: string): Promise<GraphList> => {
    const url = new URL(link.startsWith('http') ? link : `${sandbox.env.FACEBOOK_GRAPH_URL}/${link}`);
    url.searchParams.set('appsecret_proof', proof);
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`oracle ${link}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as GraphList;
  };
  const all = async (path: string): Promise<string[]> => {
    const ids: string[] = [];
    let next: string | undefined = `${path}${path.includes('?') ? '&' : '?'}fields=id&limit=100`;
    while (next) {
      const page = await get(next);
      ids.push(...(page.data ?? []).map((item) => item.id));
      next = page.paging?.next;
    }
    return ids;
  };
  sandbox.admin.setQuota({ platform: 'facebook', account, limit: 1_000_000 });
  const me = await get('me?fields=id');
  const ids: AccountIds = {
    userId: me.id as string,
    profile: [me.id as string],
    posts: await all('me/posts'),
    photos: await all('me/photos?type=uploaded'),
    'tagged-photos': await all('me/photos?type=tagged'),
    albums: await all('me/albums'),
    videos: await all('me/videos?type=uploaded'),
    likes: await all('me/likes'),
    friends: await all('me/friends'),
  };
  sandbox.admin.setQuota({ platform: 'facebook', account, limit: null });
  sandbox.admin.resetAccount(account);
  return ids;
}

/** Adds (or replaces) a sandbox account and returns what it serves. */
export async function freshAccount(sandbox: RunningSandbox, spec: AccountSpec): Promise<AccountIds> {
  sandbox.admin.createAccount(spec);
  return sandboxIds(sandbox, spec.key);
}

/** Each collection holds exactly the items the sandbox served, once each, and the manifest counts them. */
export function expectEveryItemOnce(archive: Archive, format: string, served: AccountIds, collections: readonly Collection[] = COLLECTIONS): void {
  const manifest = archive.json<Manifest>('manifest.json');
  for (const collection of collections) {
    const ids = archiveIds(archive, format, collection);
    expect({ collection, duplicates: duplicates(ids) }).toEqual({ collection, duplicates: [] });
    expect({ collection, ids: sorted(ids) }).toEqual({ collection, ids: sorted(served[collection]) });
    expect({ collection, count: manifest.counts[collection] }).toEqual({ collection, count: served[collection].length });
  }
}

export const total = (served: AccountIds, collections: readonly Collection[] = COLLECTIONS): number =>
  collections.reduce((sum, collection) => sum + served[collection].length, 0);

/** Graph API requests made with the account's tokens after log sequence `since`. */
export function graphCalls(sandbox: RunningSandbox, account: string, since = 0): LogEntry[] {
  return sandbox.admin.log({ account, since }).entries.filter((entry) => entry.api.startsWith('facebook.') && !entry.api.startsWith('facebook.media'));
}

/** A page a request asked for: its route and query, credentials left out. */
export function pageKey(entry: LogEntry): string {
  const query = Object.entries(entry.query)
    .filter(([name]) => name !== 'appsecret_proof' && name !== 'access_token')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${entry.path}?${query}`;
}

/** Pages answered 200 more than once. */
export function repeatedPages(entries: LogEntry[]): string[] {
  const served = new Map<string, number>();
  for (const entry of entries) {
    if (entry.status !== 200 || entry.api === 'facebook.me') continue;
    served.set(pageKey(entry), (served.get(pageKey(entry)) ?? 0) + 1);
  }
  return [...served].filter(([, count]) => count > 1).map(([key]) => key);
}
