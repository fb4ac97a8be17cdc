import { createHash } from 'node:crypto';
import { htmlReply, plainJsonReply, redirectReply, type Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { instagramOf, type InstagramAccount } from './instagram-account';
import { loginPage } from './pages';

/** Where the stand-in lives under the sandbox (the real site is the origin of https://www.instagram.com). */
export const IG_PREFIX = '/instagram';
/** The web app's id the site's own JavaScript sends on every API call. */
export const IG_APP_ID = '936619743392459';

export interface Session {
  account: Account;
  ig: InstagramAccount;
  cookies: Map<string, string>;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The csrftoken the site hands a session: stable per session, so a browser that echoes it passes the check. */
export const csrfTokenOf = (ig: InstagramAccount): string => createHash('sha256').update(`csrf:${ig.sessionId}`).digest('base64url').slice(0, 32);

/** The `rur` cookie the site rewrites on most answers: region, user pk, a timestamp and a signature. */
function rurCookie(ig: InstagramAccount, now: number): string {
  const stamp = Math.floor(now / 1000) + 365 * 86_400;
  return `rur="CLN\\054${ig.userPk}\\054${stamp}:01f7${createHash('sha256').update(`${ig.userPk}:${stamp}`).digest('hex').slice(0, 24)}"; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`;
}

/** The session the request's `sessionid` cookie opens, counted as one request served; null when none does. */
export function sessionOf(call: Call): Session | null {
  const cookies = parseCookies(call.ctx.header('cookie'));
  const id = cookies.get('sessionid');
  if (!id) return null;
  const account = call.state.universe.list().find((candidate) => instagramOf(candidate).sessionId === id);
  if (!account) return null;
  const ig = instagramOf(account);
  call.account = account.key;
  ig.served += 1;
  return { account, ig, cookies };
}

const loginUrl = (call: Call): string => `${call.state.baseUrl}${IG_PREFIX}/accounts/login/?next=${encodeURIComponent(call.ctx.path)}`;
const challengeUrl = (call: Call): string => `${call.state.baseUrl}${IG_PREFIX}/challenge/?next=${encodeURIComponent(call.ctx.path)}`;

/** A JSON answer of the web API, with the headers the site adds (`x-ig-set-www-claim`, a refreshed `rur`). */
export function igJson(call: Call, session: Session | null, status: number, value: unknown): Reply {
  const reply = plainJsonReply(status, value);
  if (session) {
    reply.headers['x-ig-set-www-claim'] = `hmac.AR${createHash('sha256').update(session.ig.sessionId).digest('base64url').slice(0, 40)}`;
    reply.headers['set-cookie'] = rurCookie(session.ig, call.state.now());
  }
  return reply;
}

export const igFail = (call: Call, status: number, message: string, extra: Record<string, unknown> = {}): Reply =>
  igJson(call, null, status, { message, ...extra, status: 'fail' });

/** What a dead session gets instead of data, in the way the account's spec says it dies. */
function endedSession(call: Call, session: Session, api: boolean): Reply {
  switch (session.ig.endsWith) {
    case 'unauthorized':
      return api ? igFail(call, 401, 'Please wait a few minutes before you try again.', { require_login: true }) : redirectReply(loginUrl(call));
    case 'login':
      return redirectReply(loginUrl(call));
    case 'challenge':
      return redirectReply(challengeUrl(call));
    case 'checkpoint':
      return api
        ? igFail(call, 400, 'checkpoint_required', { checkpoint_url: `${IG_PREFIX}/challenge/action/`, lock: false, flow_render_type: 0 })
        : redirectReply(challengeUrl(call));
    case 'html':
      return htmlReply(200, loginPage(call));
  }
}

/**
 * The checks the web API makes before answering: a live `sessionid`, the web app's X-IG-App-ID, and on
 * POST an X-CSRFToken equal to the `csrftoken` cookie. A request without a session is sent to the login
 * page, as the site does with a browser that was logged out.
 */
export function apiSession(call: Call): Session | Reply {
  const session = sessionOf(call);
  if (!session) return call.ctx.header('x-requested-with') ? igFail(call, 401, 'Please wait a few minutes before you try again.', { require_login: true }) : redirectReply(loginUrl(call));
  if (session.ig.sessionEnded) return endedSession(call, session, true);
  if (call.ctx.header('x-ig-app-id') !== IG_APP_ID) return igFail(call, 400, 'useragent mismatch');
  if (call.ctx.method === 'POST') {
    const token = session.cookies.get('csrftoken');
    if (!token || call.ctx.header('x-csrftoken') !== token) return igFail(call, 403, 'CSRF token missing or incorrect');
  }
  return session;
}

/** The same checks for an HTML page: a dead or missing session is redirected, never answered with an error body. */
export function pageSession(call: Call): Session | Reply {
  const session = sessionOf(call);
  if (!session) return redirectReply(loginUrl(call));
  if (session.ig.sessionEnded) return endedSession(call, session, false);
  return session;
}

export const isReply = (value: Session | Reply): value is Reply => 'status' in value;
