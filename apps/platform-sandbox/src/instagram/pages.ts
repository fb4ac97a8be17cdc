import { htmlReply, type Reply } from '../http/reply';
import type { Call, Route } from '../server/call';
import { csrfTokenOf, IG_APP_ID, IG_PREFIX, isReply, pageSession } from './session';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(call: Call): string {
  const next = escapeHtml(call.ctx.query.get('next') ?? '/');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Login • Instagram</title></head><body><main><form method="post" action="${IG_PREFIX}/api/v1/web/accounts/login/ajax/"><input type="hidden" name="next" value="${next}"><input name="username" aria-label="Phone number, username, or email"><input name="enc_password" type="password" aria-label="Password"><button type="submit">Log in</button></form></main></body></html>`;
}

function challengePage(): string {
  return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Instagram</title></head><body><main><h1>Help us confirm it\'s you</h1><p>We detected an unusual login attempt. To secure your account, we\'ll send you a security code.</p></main></body></html>';
}

/**
 * The logged-in home page: the app shell with the viewer in its embedded JSON config, as the site serves
 * it to a phone browser. The first visit of a session sets `csrftoken`, which the API's POSTs must echo.
 */
function homePage(call: Call): Reply {
  const session = pageSession(call);
  if (isReply(session)) return session;
  const config = { config: { csrf_token: csrfTokenOf(session.ig), viewerId: session.ig.userPk, viewer: { username: session.ig.username, full_name: session.account.name } }, app_id: IG_APP_ID };
  const html = `<!DOCTYPE html><html lang="en" class="touch"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Instagram</title></head><body><div id="mount"></div><script type="application/json" data-sjs>${JSON.stringify(config).replace(/</g, '\\u003c')}</script></body></html>`;
  const headers: Record<string, string> = { 'cache-control': 'private, no-cache, no-store, must-revalidate' };
  if (!session.cookies.has('csrftoken')) headers['set-cookie'] = `csrftoken=${csrfTokenOf(session.ig)}; Path=/; Max-Age=31449600; SameSite=Lax`;
  return htmlReply(200, html, headers);
}

export const INSTAGRAM_PAGE_ROUTES: Route[] = [
  { methods: ['GET'], path: new RegExp(`^${IG_PREFIX}/?$`), api: 'instagram.page.home', surface: 'html', handler: homePage },
  { methods: ['GET'], path: `${IG_PREFIX}/accounts/login/`, api: 'instagram.page.login', surface: 'html', handler: (call) => htmlReply(200, loginPage(call)) },
  { methods: ['GET'], path: new RegExp(`^${IG_PREFIX}/challenge/`), api: 'instagram.page.challenge', surface: 'html', handler: () => htmlReply(200, challengePage()) },
];
