import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import type { ExportUser, Service } from '../support/export-client';
import { pacer } from '../support/pacing';
import { startSandboxHarness } from '../support/sandbox-harness';
import type { SandboxHarness } from '../support/sandbox-harness';
import type { TestEnv } from '../support/test-app';

// Helpers for running X exports through the whole service against the sandbox's X API v2 stand-in.

export const X_SCOPES = 'tweet.read users.read like.read bookmark.read follows.read offline.access';
const REDIRECT = 'http://127.0.0.1:5999/callback';

export type XHarness = SandboxHarness;

/** The sandbox without accounts (each suite creates its own) and the app, fetching media from the sandbox. */
export function startXHarness(env: (sandbox: RunningSandbox) => TestEnv = () => ({})): Promise<XHarness> {
  return startSandboxHarness({ accounts: [] }, (sandbox) => ({ MEDIA_ALLOWED_HOSTS: `127.0.0.1:${sandbox.port}`, ...env(sandbox) }));
}

/** Tokens of a sandbox account through X's own consent flow (PKCE S256), as a user's browser would get them. */
export async function xTokens(sandbox: RunningSandbox, account: string): Promise<{ access_token: string; refresh_token: string }> {
  sandbox.admin.setConsent({ account });
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: sandbox.env.TWITTER_CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: X_SCOPES,
    state: 'test',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const consent = await fetch(`${sandbox.env.TWITTER_AUTH_URL}?${params.toString()}`, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string;
  const basic = Buffer.from(`${sandbox.env.TWITTER_CLIENT_ID}:${sandbox.env.TWITTER_CLIENT_SECRET}`).toString('base64');
  const res = await fetch(sandbox.env.TWITTER_TOKEN_URL, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status}`);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

/** A new user with the sandbox account connected by pasting tokens into `POST /api/platforms/twitter/connect`. */
export async function connectX(service: Service, sandbox: RunningSandbox, account: string): Promise<ExportUser & { account: string }> {
  const { session } = await registerUser(service, { email: uniqueEmail('x'), name: 'X Tester' });
  const auth = { Authorization: `Bearer ${session.token}` };
  const tokens = await xTokens(sandbox, account);
  const res = await request(service.url).post('/api/platforms/twitter/connect').set(auth).send({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { session, auth, platform: 'twitter', account, pace: pacer() };
}

export interface XIds {
  userId: string;
  profile: string[];
  tweets: string[];
  likes: string[];
  bookmarks: string[];
  followers: string[];
  following: string[];
}

export const X_COLLECTIONS = ['profile', 'tweets', 'likes', 'bookmarks', 'followers', 'following'] as const;

/** Everything the sandbox serves of `account`, read straight from its API; then its tokens are forgotten. */
export async function xIds(sandbox: RunningSandbox, account: string): Promise<XIds> {
  const { access_token: token } = await xTokens(sandbox, account);
  const get = async (path: string, query: Record<string, string> = {}): Promise<{ data?: unknown; meta?: { next_token?: string } }> => {
    const res = await fetch(`${sandbox.env.TWITTER_API_URL}${path}?${new URLSearchParams(query).toString()}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`oracle ${path}: HTTP ${res.status}`);
    return (await res.json()) as { data?: unknown; meta?: { next_token?: string } };
  };
  const userId = ((await get('/users/me')).data as { id: string }).id;
  const all = async (list: string, max: number): Promise<string[]> => {
    const ids: string[] = [];
    let next: string | undefined;
    do {
      const page = await get(`/users/${userId}/${list}`, { max_results: String(max), ...(next ? { pagination_token: next } : {}) });
      ids.push(...((page.data as { id: string }[] | undefined) ?? []).map((item) => item.id));
      next = page.meta?.next_token;
    } while (next);
    return ids;
  };
  const ids: XIds = {
    userId,
    profile: [userId],
    tweets: await all('tweets', 100),
    likes: await all('liked_tweets', 100),
    bookmarks: await all('bookmarks', 100),
    followers: await all('followers', 1000),
    following: await all('following', 1000),
  };
  sandbox.admin.invalidateGrants({ account });
  return ids;
}
