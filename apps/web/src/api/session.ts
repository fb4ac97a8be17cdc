import createClient from 'openapi-fetch';
import { briefWaits } from './brief-waits';
import type { paths } from './schema';

/**
 * The signed-in session. The access token lives in memory only; the refresh token is kept in
 * localStorage so that a reload keeps the person signed in. Refresh tokens are single-use and a reused
 * one ends the whole session, so refreshes run one at a time across tabs (Web Locks) and a tab that
 * finds the stored token already rotated by another tab uses the new one.
 */
const REFRESH_KEY = 'star-export.refresh-token';
const LOCK = 'star-export.refresh';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

type Listener = (user: SessionUser | null, reason?: string) => void;

/** Calls the auth routes without the session middleware, so a failed refresh cannot loop. */
const plain = createClient<paths>({ baseUrl: '' });
plain.use(briefWaits);

let accessToken: string | null = null;
let user: SessionUser | null = null;
let refreshing: Promise<boolean> | null = null;
let refreshTimer: number | undefined;
const listeners = new Set<Listener>();

export const session = {
  get token(): string | null {
    return accessToken;
  },
  get user(): SessionUser | null {
    return user;
  },
  get hasStoredSession(): boolean {
    return localStorage.getItem(REFRESH_KEY) !== null;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** After register, login or Google sign-in. */
  begin(pair: { token: string; refreshToken: string }, who: SessionUser | null): void {
    localStorage.setItem(REFRESH_KEY, pair.refreshToken);
    adopt(pair.token);
    user = who ?? user;
    notify();
  },
  /** The session is over (sign-out, or the server ended it): forget it and say why. */
  end(reason?: string): void {
    localStorage.removeItem(REFRESH_KEY);
    accessToken = null;
    user = null;
    window.clearTimeout(refreshTimer);
    notify(reason);
  },
  setUser(who: SessionUser): void {
    user = who;
    notify();
  },
  /** A new access token from the stored refresh token; false once the session cannot go on. */
  refresh(): Promise<boolean> {
    refreshing ??= withLock(rotate).finally(() => (refreshing = null));
    return refreshing;
  },
  refreshToken(): string | null {
    return localStorage.getItem(REFRESH_KEY);
  },
};

function notify(reason?: string): void {
  for (const listener of listeners) listener(user, reason);
}

async function withLock(task: () => Promise<boolean>): Promise<boolean> {
  if (!('locks' in navigator)) return task();
  return navigator.locks.request(LOCK, task);
}

async function rotate(): Promise<boolean> {
  const stored = localStorage.getItem(REFRESH_KEY);
  if (!stored) return false;
  const { data, response } = await plain.POST('/api/auth/refresh', { body: { refreshToken: stored } }).catch(() => ({ data: undefined, response: undefined }));
  if (data) {
    localStorage.setItem(REFRESH_KEY, data.data.refreshToken);
    adopt(data.data.token);
    return true;
  }
  // A network failure or an overloaded server is no reason to sign the person out.
  if (!response || response.status >= 500 || response.status === 429) return Boolean(accessToken);
  if (localStorage.getItem(REFRESH_KEY) !== stored) return rotate();
  return false;
}

/** Keeps the access token and schedules its quiet renewal a little before it expires. */
function adopt(token: string): void {
  accessToken = token;
  window.clearTimeout(refreshTimer);
  const expiresAt = expiryOf(token);
  if (expiresAt === null) return;
  const lifetime = expiresAt - Date.now();
  const delay = Math.max(5_000, lifetime - Math.min(60_000, lifetime / 5));
  refreshTimer = window.setTimeout(() => {
    void session.refresh().then((ok) => {
      if (!ok) session.end('Your session has ended. Please sign in again.');
    });
  }, delay);
}

/** The `exp` of a JWT, in ms; only to time the renewal (the server checks the token itself). */
function expiryOf(token: string): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
