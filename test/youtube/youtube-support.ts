import request from 'supertest';
import type { AccountSpec, LogEntry, RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import type { Archive, Manifest } from '../support/archive';
import { registerUser, uniqueEmail } from '../support/auth-helpers';
import type { ExportCaller, ExportUser, Service } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { pacer } from '../support/pacing';
import { startSandboxHarness } from '../support/sandbox-harness';
import type { SandboxHarness } from '../support/sandbox-harness';
import type { TestEnv } from '../support/test-app';

// Helpers for running YouTube exports through the whole service against the platform sandbox.

export interface YouTubeUser extends ExportUser {
  /** The sandbox account whose channel is connected. */
  account: string;
}

/** The sandbox and an app that calls it for Google and YouTube. */
export type YouTubeHarness = SandboxHarness;

/** The sandbox with its default accounts, and the app; `env(sandbox)` adds to the app's environment. */
export function startYouTubeHarness(env: (sandbox: RunningSandbox) => TestEnv = () => ({})): Promise<YouTubeHarness> {
  return startSandboxHarness({}, env);
}

/**
 * A new user with the sandbox account's channel connected through `POST /api/platforms/youtube/connect`
 * with tokens the sandbox minted (the connect checks them: tokeninfo, then one channels.list).
 */
export async function connectYouTube(
  service: Service,
  sandbox: RunningSandbox,
  account: string,
  credentials: { email?: string; password?: string } = {},
): Promise<YouTubeUser> {
  const { session } = await registerUser(service, { email: uniqueEmail('yt'), name: 'YouTube Tester', ...credentials });
  const auth = { Authorization: `Bearer ${session.token}` };
  const tokens = sandbox.admin.issueTokens({ account });
  const res = await request(service.url)
    .post('/api/platforms/youtube/connect')
    .set(auth)
    .send({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { session, auth, platform: 'youtube', account, pace: pacer() };
}

export interface QuotaUsage {
  used: number;
  limit: number;
  resetsAt: string;
}

export async function youtubeStatus(service: Service, user: ExportCaller): Promise<{ connected: boolean; quotaUsage: QuotaUsage }> {
  await user.pace();
  const res = await request(service.url).get('/api/platforms/youtube/status').set(user.auth).expect(200);
  return (res.body as { data: { connected: boolean; quotaUsage: QuotaUsage } }).data;
}

// ---- the sandbox as the oracle -----------------------------------------------------------------

/** What the sandbox serves of one account, read straight from its Data API: the ids an export must hold. */
export interface AccountIds {
  channelId: string;
  /** snippet.publishedAt of every video, by id. */
  videoDates: Map<string, string>;
  /** status.privacyStatus of every video, by id. */
  videoPrivacy: Map<string, string>;
  profile: string[];
  videos: string[];
  playlists: string[];
  'playlist-items': string[];
  comments: string[];
  subscriptions: string[];
}

export const COLLECTIONS = ['profile', 'videos', 'playlists', 'playlist-items', 'comments', 'subscriptions'] as const;
export type Collection = (typeof COLLECTIONS)[number];

interface ListBody {
  items?: {
    id: string;
    snippet?: { totalReplyCount?: number; publishedAt?: string };
    status?: { privacyStatus?: string };
    contentDetails?: { videoId?: string; relatedPlaylists?: { uploads?: string } };
  }[];
  nextPageToken?: string;
}

/**
 * Reads everything of `account` from the sandbox's own API with a token of its own, then resets the
 * account (same data, no tokens, fresh quota) so the test starts from zero units. Every list is read to
 * its end; replies come from comments.list for every thread that has any.
 */
export async function sandboxIds(sandbox: RunningSandbox, account: string): Promise<AccountIds> {
  const { access_token: token } = sandbox.admin.issueTokens({ account });
  const get = async (resource: string, query: Record<string, string>): Promise<ListBody> => {
    const url = new URL(`${sandbox.env.YOUTUBE_API_URL}/${resource}`);
    for (const [name, value] of Object.entries({ ...query, prettyPrint: 'false' })) url.searchParams.set(name, value);
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`oracle ${resource}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as ListBody;
  };
  const all = async (resource: string, query: Record<string, string>, max = 50): Promise<NonNullable<ListBody['items']>> => {
    const items: NonNullable<ListBody['items']> = [];
    let pageToken: string | undefined;
    do {
      const body = await get(resource, { ...query, maxResults: String(max), ...(pageToken ? { pageToken } : {}) });
      items.push(...(body.items ?? []));
      pageToken = body.nextPageToken;
    } while (pageToken);
    return items;
  };

  const [channel] = (await get('channels', { mine: 'true', part: 'contentDetails' })).items ?? [];
  const uploads = channel.contentDetails?.relatedPlaylists?.uploads;
  const entries = uploads ? await all('playlistItems', { playlistId: uploads, part: 'contentDetails' }) : [];
  const videos: string[] = [];
  const videoDates = new Map<string, string>();
  const videoPrivacy = new Map<string, string>();
  const batches: string[][] = [];
  for (let i = 0; i < entries.length; i += 50) batches.push(entries.slice(i, i + 50).map((entry) => entry.contentDetails?.videoId ?? ''));
  // A few videos.list calls at a time: a 20,000-video channel takes 400 of them.
  for (let i = 0; i < batches.length; i += 8) {
    const answers = await Promise.all(batches.slice(i, i + 8).map((ids) => get('videos', { id: ids.join(','), part: 'snippet,status' })));
    for (const video of answers.flatMap((answer) => answer.items ?? [])) {
      videoDates.set(video.id, video.snippet?.publishedAt ?? '');
      videoPrivacy.set(video.id, video.status?.privacyStatus ?? '');
    }
  }
  for (const ids of batches) videos.push(...ids.filter((id) => videoDates.has(id)));
  const playlists = (await all('playlists', { mine: 'true', part: 'id' })).map((playlist) => playlist.id);
  const playlistItems: string[] = [];
  for (const playlist of playlists) playlistItems.push(...(await all('playlistItems', { playlistId: playlist, part: 'id' })).map((entry) => entry.id));
  const threads = await all('commentThreads', { allThreadsRelatedToChannelId: channel.id, part: 'id,snippet' }, 100);
  const comments: string[] = [];
  for (const thread of threads) {
    comments.push(thread.id);
    if ((thread.snippet?.totalReplyCount ?? 0) > 0) {
      comments.push(...(await all('comments', { parentId: thread.id, part: 'id' }, 100)).map((reply) => reply.id));
    }
  }
  const subscriptions = (await all('subscriptions', { mine: 'true', part: 'id' })).map((subscription) => subscription.id);
  sandbox.admin.resetAccount(account);
  return {
    channelId: channel.id,
    videoDates,
    videoPrivacy,
    profile: [channel.id],
    videos,
    playlists,
    'playlist-items': playlistItems,
    comments,
    subscriptions,
  };
}

/** Adds (or replaces) a sandbox account and returns what it serves; its quota and tokens start fresh. */
export async function freshAccount(sandbox: RunningSandbox, spec: AccountSpec): Promise<AccountIds> {
  sandbox.admin.createAccount(spec);
  return sandboxIds(sandbox, spec.key);
}

// ---- the archive against the oracle ------------------------------------------------------------

/** Each of `collections` holds exactly the items the sandbox served, once each, and the manifest counts them. */
export function expectEveryItemOnce(archive: Archive, format: string, served: AccountIds, collections: readonly Collection[] = COLLECTIONS): void {
  const manifest = archive.json<Manifest>('manifest.json');
  for (const collection of collections) {
    const ids = archiveIds(archive, format, collection);
    expect({ collection, duplicates: duplicates(ids) }).toEqual({ collection, duplicates: [] });
    expect({ collection, ids: sorted(ids) }).toEqual({ collection, ids: sorted(served[collection]) });
    expect({ collection, count: manifest.counts[collection] }).toEqual({ collection, count: served[collection].length });
  }
}

/** Downloads a JSON export and checks it with expectEveryItemOnce. */
export async function expectJsonArchiveHolds(
  service: Service,
  user: ExportCaller,
  id: string,
  served: AccountIds,
  collections: readonly Collection[] = COLLECTIONS,
): Promise<void> {
  await withArchive(service, user, id, (archive) => {
    expectEveryItemOnce(archive, 'json', served, collections);
  });
}

// ---- the sandbox's request log -----------------------------------------------------------------

/** Data API requests made with the account's tokens after log sequence `since`. */
export function apiCalls(sandbox: RunningSandbox, account: string, since = 0): LogEntry[] {
  return sandbox.admin.log({ account, since }).entries.filter((entry) => entry.api.startsWith('youtube.'));
}

/** Units the sandbox billed the account today (its bucket, per Pacific day). */
export function unitsToday(sandbox: RunningSandbox, account: string): number {
  return sandbox.admin.log().unitsToday[account] ?? 0;
}

/** Units billed per Pacific day. */
export function unitsByDay(sandbox: RunningSandbox, account: string): Record<string, number> {
  return sandbox.admin.log().units[account] ?? {};
}

/** The page a request asked for: its method and every query parameter (page token included). */
export function pageKey(entry: LogEntry): string {
  const query = Object.entries(entry.query)
    .filter(([name]) => name !== 'prettyPrint')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${entry.api}?${query}`;
}

/** How many times each page was answered 200. */
export function servedPages(entries: LogEntry[]): Map<string, number> {
  const served = new Map<string, number>();
  for (const entry of entries) {
    if (entry.status !== 200) continue;
    const key = pageKey(entry);
    served.set(key, (served.get(key) ?? 0) + 1);
  }
  return served;
}

/** Pages answered 200 more than once. */
export function repeatedPages(entries: LogEntry[]): string[] {
  return [...servedPages(entries)].filter(([, count]) => count > 1).map(([key]) => key);
}

export const count = (entries: LogEntry[], api: string, status?: number): number =>
  entries.filter((entry) => entry.api === `youtube.${api}` && (status === undefined || entry.status === status)).length;

/** Which export collection a Data API request served. */
export function collectionOf(entry: LogEntry): string {
  const query = entry.query;
  switch (entry.api) {
    case 'youtube.channels.list':
      return 'channel';
    case 'youtube.videos.list':
      return 'videos';
    case 'youtube.playlistItems.list':
      return query.playlistId?.startsWith('UU') ? 'videos' : 'playlist-items';
    case 'youtube.playlists.list':
      return query.part === 'id' ? 'playlist-items' : 'playlists';
    case 'youtube.commentThreads.list':
    case 'youtube.comments.list':
      return 'comments';
    case 'youtube.subscriptions.list':
      return 'subscriptions';
    default:
      return entry.api;
  }
}

