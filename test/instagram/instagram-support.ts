import request from 'supertest';
import { instagramLogin } from '../../apps/platform-sandbox/src';
import type { AccountSpec, LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import type { ExportUser, Service } from '../support/export-client';
import { pacer } from '../support/pacing';
import { startSandboxHarness } from '../support/sandbox-harness';
import type { SandboxHarness } from '../support/sandbox-harness';
import type { TestEnv } from '../support/test-app';

// Helpers for Instagram exports through the whole service against the sandbox's website stand-in.

/** Short pauses, so suites stay quick; the pacing is still real and measured against these. */
export const TEST_DELAYS = { INSTAGRAM_MIN_DELAY_MS: '150', INSTAGRAM_MAX_DELAY_MS: '250' };
export const MIN_DELAY_MS = 150;

export const IG_COLLECTIONS = ['profile', 'posts', 'reels', 'stories', 'highlights', 'saved', 'comments'] as const;

export function instagramEnv(sandbox: RunningSandbox): TestEnv {
  return { TRUST_PROXY: '1', ...sandbox.env, MEDIA_ALLOWED_HOSTS: `127.0.0.1:${sandbox.port}`, ...TEST_DELAYS };
}

/** The sandbox (accounts are added by each test) and an app paced for Instagram. */
export function startIgHarness(): Promise<SandboxHarness> {
  return startSandboxHarness({ accounts: [] }, instagramEnv);
}

/** The cookies a logged-in browser of this sandbox account holds, as a Cookie header the user copied. */
export function cookieHeader(spec: AccountSpec): string {
  const login = instagramLogin(spec);
  return `sessionid=${login.sessionid}; ds_user_id=${login.ds_user_id}; ig_did=5B1C0DE2-0000-4000-8000-000000000000`;
}

/** A new user with the sandbox account connected by pasting its cookies into the connect route. */
export async function connectInstagram(service: Service, spec: AccountSpec): Promise<ExportUser> {
  const { session } = await registerUser(service, { email: uniqueEmail('ig'), name: 'IG Tester' });
  const auth = { Authorization: `Bearer ${session.token}` };
  const res = await request(service.url).post('/api/platforms/instagram/connect').set(auth).send({ cookies: cookieHeader(spec) });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { session, auth, platform: 'instagram', pace: pacer() };
}

/** What the account holds, read straight from the stand-in's web API (unpaced: the oracle is not under test). */
export async function instagramIds(sandbox: RunningSandbox, spec: AccountSpec): Promise<Record<(typeof IG_COLLECTIONS)[number], string[]> & { media: number }> {
  const login = instagramLogin(spec);
  const get = async (path: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
    const res = await fetch(`${sandbox.env.INSTAGRAM_WEB_URL}${path}`, {
      ...init,
      headers: { cookie: `sessionid=${login.sessionid}; csrftoken=oracle`, 'x-ig-app-id': '936619743392459', 'x-csrftoken': 'oracle', ...(init.headers ?? {}) },
    });
    if (!res.ok) throw new Error(`oracle ${path}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  type Media = { pk: string; product_type: string; comment_count: number; carousel_media?: Media[]; video_versions?: unknown[] };
  const files = (media: Media): number => (media.carousel_media ? media.carousel_media.reduce((sum, child) => sum + files(child), 0) : media.video_versions ? 2 : 1);
  const grid: Media[] = [];
  let maxId: string | undefined;
  do {
    const page = await get(`/api/v1/feed/user/${login.ds_user_id}/?count=33${maxId ? `&max_id=${maxId}` : ''}`);
    grid.push(...(page.items as Media[]));
    maxId = page.more_available ? (page.next_max_id as string) : undefined;
  } while (maxId);
  const saved: Media[] = [];
  do {
    const page = await get(`/api/v1/feed/saved/posts/${maxId ? `?max_id=${maxId}` : ''}`);
    saved.push(...(page.items as { media: Media }[]).map((item) => item.media));
    maxId = page.more_available ? (page.next_max_id as string) : undefined;
  } while (maxId);
  const stories = Object.values((await get(`/api/v1/feed/reels_media/?reel_ids=${login.ds_user_id}`)).reels as Record<string, { items: Media[] }>).flatMap((reel) => reel.items);
  const tray = (await get(`/api/v1/highlights/${login.ds_user_id}/highlights_tray/`)).tray as { id: string }[];
  let highlightFiles = 0;
  for (const highlight of tray) {
    const reel = ((await get(`/api/v1/feed/reels_media/?reel_ids=${highlight.id}`)).reels as Record<string, { items: Media[] }>)[highlight.id];
    highlightFiles += reel.items.reduce((sum, item) => sum + files(item), 0);
  }
  const comments: string[] = [];
  for (const post of grid.filter((media) => media.comment_count > 0)) {
    let minId: string | undefined;
    do {
      const page = await get(`/api/v1/media/${post.pk}/comments/?can_support_threading=true${minId ? `&min_id=${encodeURIComponent(minId)}` : ''}`);
      for (const comment of page.comments as { pk: string; child_comment_count: number }[]) {
        comments.push(comment.pk);
        if (comment.child_comment_count > 0) {
          const replies = await get(`/api/v1/media/${post.pk}/comments/${comment.pk}/child_comments/`);
          comments.push(...(replies.child_comments as { pk: string }[]).map((reply) => reply.pk));
        }
      }
      minId = page.has_more_comments ? (page.next_min_id as string) : undefined;
    } while (minId);
  }
  const posts = grid.filter((media) => media.product_type !== 'clips');
  const reels = grid.filter((media) => media.product_type === 'clips');
  return {
    profile: [login.ds_user_id],
    posts: posts.map((media) => media.pk),
    reels: reels.map((media) => media.pk),
    stories: stories.map((media) => media.pk),
    highlights: tray.map((highlight) => highlight.id.replace('highlight:', '')),
    saved: saved.map((media) => media.pk),
    comments,
    media: 1 + [...posts, ...reels, ...stories, ...saved].reduce((sum, media) => sum + files(media), 0) + highlightFiles,
  };
}

/** The stand-in's record of one account's requests (pages and API calls, not CDN files), oldest first. */
export function siteRequests(sandbox: RunningSandbox, account: string, since = 0): LogEntry[] {
  return sandbox.admin.log({ account, since }).entries.filter((entry) => entry.api.startsWith('instagram.') && !entry.api.startsWith('instagram.media.'));
}

/** The gaps between consecutive requests, in milliseconds. */
export function gaps(entries: LogEntry[]): number[] {
  return entries.slice(1).map((entry, i) => Date.parse(entry.at) - Date.parse(entries[i].at));
}
