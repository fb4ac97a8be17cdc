import { createHash, randomBytes } from 'node:crypto';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';

/** Small HTTP helpers for talking to the platform sandbox the way Star Export's adapters do. */

export interface Thumbnail {
  url: string;
  width: number;
  height: number;
}

/** The parts of YouTube resources the tests look at. */
export interface Item {
  kind: string;
  etag: string;
  id: string;
  snippet?: {
    title?: string;
    description?: string;
    publishedAt?: string;
    channelId?: string;
    channelTitle?: string;
    videoId?: string;
    playlistId?: string;
    position?: number;
    resourceId?: { kind: string; videoId?: string; channelId?: string };
    thumbnails?: Record<string, Thumbnail>;
    topLevelComment?: Item;
    totalReplyCount?: number;
    textOriginal?: string;
    textDisplay?: string;
    parentId?: string;
    customUrl?: string;
  };
  contentDetails?: {
    videoId?: string;
    videoPublishedAt?: string;
    duration?: string;
    itemCount?: number;
    relatedPlaylists?: { likes?: string; uploads: string };
  };
  status?: { privacyStatus: string };
  statistics?: { viewCount: string; likeCount?: string; commentCount?: string; videoCount?: string; subscriberCount?: string };
  replies?: { comments: Item[] };
  fileDetails?: { fileName: string };
}

export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** A Data API answer: a list response or Google's error body. */
export interface ApiBody {
  kind: string;
  etag: string;
  nextPageToken?: string;
  prevPageToken?: string;
  pageInfo: { totalResults: number; resultsPerPage: number };
  items: Item[];
  error?: { code: number; message: string; errors: GoogleErrorItem[]; status?: string };
}

export interface OAuthBody {
  access_token?: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  expires_in?: number;
  scope?: string;
  token_type?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function getJson<T = unknown>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = undefined as T;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function postForm<T = OAuthBody>(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return getJson<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export async function admin<T = Record<string, unknown>>(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<JsonResponse<T>> {
  return getJson<T>(`${sandbox.url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const REDIRECT_URI = 'http://127.0.0.1:5000/api/platforms/youtube/callback';

export interface AuthorizeOptions {
  account?: string;
  scope?: string;
  offline?: boolean;
  prompt?: string;
  challenge?: string;
  method?: string;
  state?: string;
  redirectUri?: string;
  clientId?: string;
  extra?: Record<string, string>;
}

/** Visits the authorization page and returns where it redirects to. */
export async function authorize(sandbox: RunningSandbox, options: AuthorizeOptions = {}): Promise<{ status: number; location: URL | null; text: string }> {
  const params = new URLSearchParams({
    client_id: options.clientId ?? sandbox.env.GOOGLE_CLIENT_ID,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    response_type: 'code',
    scope: options.scope ?? 'openid email profile https://www.googleapis.com/auth/youtube.readonly',
    state: options.state ?? 'state-123',
    ...(options.offline === false ? {} : { access_type: 'offline' }),
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: options.method ?? 'S256' } : {}),
    ...(options.account ? { login_hint: options.account } : {}),
    ...(options.extra ?? {}),
  });
  const res = await fetch(`${sandbox.env.GOOGLE_AUTH_URL}?${params.toString()}`, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : null, text: await res.text() };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: string;
  id_token?: string;
}

/** The whole authorization-code flow with PKCE; returns the token response. */
export async function connect(sandbox: RunningSandbox, account = 'alice', options: AuthorizeOptions = {}): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const auth = await authorize(sandbox, { account, challenge, ...options });
  const code = auth.location?.searchParams.get('code');
  if (!code) throw new Error(`no code in ${auth.location?.toString() ?? auth.text}`);
  const res = await postForm(sandbox.env.GOOGLE_TOKEN_URL, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    client_id: sandbox.env.GOOGLE_CLIENT_ID,
    client_secret: sandbox.env.GOOGLE_CLIENT_SECRET,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.text}`);
  return res.body as Tokens;
}

/** A YouTube Data API call with a bearer token. */
export type YouTubeCall = <T = ApiBody>(resource: string, params: Record<string, string | number>) => Promise<JsonResponse<T>>;

export function youtube(sandbox: RunningSandbox, token: string): YouTubeCall {
  return <T = ApiBody>(resource: string, params: Record<string, string | number>): Promise<JsonResponse<T>> => {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    return getJson<T>(`${sandbox.env.YOUTUBE_API_URL}/${resource}?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } });
  };
}

/** Pages a list to its end the way an adapter should: until there is no nextPageToken. */
export async function pageAll(
  call: YouTubeCall,
  resource: string,
  params: Record<string, string | number>,
): Promise<{ items: Item[]; pages: number; tokens: string[] }> {
  const items: Item[] = [];
  const tokens: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const res = await call(resource, { ...params, ...(pageToken ? { pageToken } : {}) });
    if (res.status !== 200) throw new Error(`${resource} page ${pages + 1}: ${res.status} ${res.text.slice(0, 300)}`);
    pages++;
    items.push(...res.body.items);
    pageToken = res.body.nextPageToken;
    if (!pageToken) return { items, pages, tokens };
    if (tokens.includes(pageToken)) throw new Error(`cursor ${pageToken} repeated`);
    tokens.push(pageToken);
  }
}
