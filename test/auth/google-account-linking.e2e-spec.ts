import { createServer, Server } from 'node:http';
import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { database } from '../support/auth-helpers';
import { Chromium, launchChromium } from '../support/browser';
import { pacer } from '../support/pacing';
import { freePort } from '../support/redis-server';
import { TestApp, startTestApp } from '../support/test-app';

interface JsonAnswer {
  status: number;
  body: { success: boolean; data?: Record<string, unknown>; code?: string };
}

/** A blank single-page app on its own origin: where sign-in and linking land. */
async function startFrontend(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Star Export</title><p>frontend</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Issue 12's first takeover, end to end in Chromium with two browser profiles and the platform
 * sandbox as Google: someone registers the victim's address with a password; the victim's "Sign in
 * with Google" must not land in that account. Linking Google stays possible for an account's owner,
 * after a password sign-in, from the browser that asked, and it ends every other session.
 */
describe('Google sign-in and an account registered with the same email', () => {
  let sandbox: RunningSandbox;
  let frontend: { url: string; close(): Promise<void> };
  let t: TestApp;
  let attackerBrowser: Chromium;
  let victimBrowser: Chromium;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      accounts: [
        { key: 'newbie', email: 'newbie@example.com', name: 'Real Newbie', videos: 1 },
        { key: 'owner', email: 'owner.personal@example.com', name: 'Owner', videos: 1 },
      ],
    });
    frontend = await startFrontend();
    const port = await freePort();
    t = await startTestApp({
      ...sandbox.env,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      FRONTEND_URL: frontend.url,
    });
    attackerBrowser = await launchChromium();
    victimBrowser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await attackerBrowser?.close();
    await victimBrowser?.close();
    await t?.close();
    await frontend?.close();
    await sandbox?.close();
  });

  // Every request here comes from 127.0.0.1, under the auth routes' 5 per second per address; a
  // sign-in through Google is two of them.
  const pace = pacer(600);

  /** A tab on the service's own origin, from which the page calls the API as the SPA would. */
  const apiPage = async (browser: Chromium): Promise<Page> => {
    const page = await browser.browser.newPage();
    await page.goto(`${t.url}/api/health`);
    return page;
  };
  const call = async (page: Page, method: string, path: string, body?: object, token?: string): Promise<JsonAnswer> => {
    await pace();
    return page.evaluate(
      async (m, p, b, bearer) => {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (bearer) headers.Authorization = `Bearer ${bearer}`;
        const res = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
        return { status: res.status, body: (await res.json()) as JsonAnswer['body'] };
      },
      method,
      path,
      body,
      token,
    );
  };
  /** Navigates (as a click would) and answers the fragment of the page the browser finally lands on. */
  const landOn = async (page: Page, url: string): Promise<{ at: string; fragment: URLSearchParams }> => {
    await pace();
    await page.goto(url);
    const landed = new URL(page.url());
    return { at: `${landed.origin}${landed.pathname}`, fragment: new URLSearchParams(landed.hash.slice(1)) };
  };
  const googleIdOf = async (email: string): Promise<string | null> => {
    const [row]: { google_id: string | null }[] = await database(t).query('SELECT google_id FROM users WHERE email = $1', [email]);
    return row.google_id;
  };

  it("does not sign the address's real owner into an account someone else registered with it", async () => {
    const attacker = await apiPage(attackerBrowser);
    const registered = await call(attacker, 'POST', '/api/auth/register', {
      email: 'newbie@example.com',
      password: 'attacker knows this',
      name: 'Newbie',
    });
    expect(registered.status).toBe(201);
    const attackerAccount = registered.body.data?.user as { id: string };

    sandbox.admin.setConsent({ account: 'newbie' });
    const victim = await victimBrowser.browser.newPage();
    const landing = await landOn(victim, `${t.url}/api/auth/google`);
    expect(landing.at).toBe(`${frontend.url}/`);
    expect(landing.fragment.get('error')).toBe('ACCOUNT_EXISTS_LINK_REQUIRED');
    expect(landing.fragment.get('message')).toMatch(/sign in with its password/);
    expect(landing.fragment.has('token')).toBe(false);
    expect(landing.fragment.has('refreshToken')).toBe(false);
    // Nothing tied the victim's Google account to the attacker's account, and no cookie signs the victim in.
    expect(await googleIdOf('newbie@example.com')).toBeNull();
    const cookies = await victim.cookies(t.url);
    expect(cookies.map((cookie) => cookie.name)).not.toContain('star_export_download');

    // The attacker's password still opens only the attacker's own, Google-less account.
    const login = await call(attacker, 'POST', '/api/auth/login', { email: 'newbie@example.com', password: 'attacker knows this' });
    expect(login.status).toBe(200);
    expect((login.body.data?.user as { id: string }).id).toBe(attackerAccount.id);
  });

  it("links Google after a password sign-in, from that browser only, and ends the account's other sessions", async () => {
    // The owner's account, signed in on a first device...
    const firstDevice = await apiPage(attackerBrowser);
    const registered = await call(firstDevice, 'POST', '/api/auth/register', {
      email: 'owner@example.com',
      password: 'owner password',
      name: 'Owner',
    });
    expect(registered.status).toBe(201);
    const first = registered.body.data as { token: string; refreshToken: string; user: { id: string } };

    // ...and with the password on a second, which asks to link Google.
    const secondDevice = await apiPage(victimBrowser);
    const login = await call(secondDevice, 'POST', '/api/auth/login', { email: 'owner@example.com', password: 'owner password' });
    expect(login.status).toBe(200);
    const second = login.body.data as { token: string; refreshToken: string };
    const start = await call(secondDevice, 'POST', '/api/auth/google/link', undefined, second.token);
    expect(start.status).toBe(200);
    const consentUrl = start.body.data?.url as string;
    expect(consentUrl.startsWith(sandbox.env.GOOGLE_AUTH_URL)).toBe(true);

    // The consent URL is worth nothing in another browser: it lacks the nonce cookie of the one that asked.
    sandbox.admin.setConsent({ account: 'owner' });
    const elsewhere = await attackerBrowser.browser.newPage();
    await pace();
    const refused = await elsewhere.goto(consentUrl);
    expect(refused?.status()).toBe(400);
    expect(await refused?.json()).toMatchObject({ success: false, code: 'INVALID_FORMAT' });
    expect(await googleIdOf('owner@example.com')).toBeNull();

    // A second link start, finished in the browser that asked.
    const again = await call(secondDevice, 'POST', '/api/auth/google/link', undefined, second.token);
    const linked = await landOn(secondDevice, again.body.data?.url as string);
    expect(linked.at).toBe(`${frontend.url}/`);
    expect(Object.fromEntries(linked.fragment)).toEqual({ linked: 'google' });
    expect(await googleIdOf('owner@example.com')).not.toBeNull();

    // The first device's session has ended; the second device's goes on.
    const meWith = async (token: string): Promise<request.Response> => {
      await pace();
      return request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    };
    expect((await meWith(first.token)).body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    await pace();
    const refresh = await request(t.url).post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(refresh.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    expect((await meWith(second.token)).status).toBe(200);

    // From now on "Sign in with Google" lands in the owner's account.
    const viaGoogle = await landOn(await victimBrowser.browser.newPage(), `${t.url}/api/auth/google`);
    const token = viaGoogle.fragment.get('token') as string;
    expect(token).toBeTruthy();
    const me = await meWith(token);
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ id: first.user.id, email: 'owner@example.com' });
  });
});
