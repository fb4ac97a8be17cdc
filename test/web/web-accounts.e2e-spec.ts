import type { Page } from 'puppeteer-core';
import { instagramLogin, startSandbox } from '../../apps/platform-sandbox/src';
import type { AccountSpec, RunningSandbox } from '../../apps/platform-sandbox/src';
import { database, uniqueEmail } from '../support/auth-helpers';
import { Chromium, launchChromium } from '../support/browser';
import { freePort } from '../support/redis-server';
import { TestApp, startTestApp } from '../support/test-app';
import { cookieHeader, instagramEnv } from '../instagram/instagram-support';
import { buildWebApp } from './web-build';
import { click, fill, heading, openTab, register, screenshots, textOf } from './web-support';

const PASSWORD = 'correct horse battery';
const OWNER_EMAIL = 'owner.web@example.com';
/** The Instagram stand-in's account whose browser cookies are pasted; a small one, it is only connected. */
const INSTAGRAM_ACCOUNT: AccountSpec = { key: 'insta', name: 'Ivy Insta', instagram: { posts: 1, saved: 0, stories: 0 } };


/** Follows a link or button that leaves the app (for Google's consent screen) until the app is back. */
async function through(page: Page, text: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click(page, text)]);
  await page.waitForSelector('h1');
}

/**
 * The app served with FRONTEND_URL naming itself, so Google sign-in lands in it; the platform sandbox
 * plays Google and Instagram's website.
 */
describe('The web app: Google sign-in and linking, and connecting with browser cookies', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let chromium: Chromium;

  beforeAll(async () => {
    buildWebApp();
    sandbox = await startSandbox({ port: 0, accounts: [{ key: 'owner', email: OWNER_EMAIL, name: 'Owner', videos: 1 }, INSTAGRAM_ACCOUNT] });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    t = await startTestApp({ ...instagramEnv(sandbox), PORT: String(port), PUBLIC_URL: url, FRONTEND_URL: url });
    chromium = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    await sandbox?.close();
  });

  it('asks to link when Google meets an account with a password, links Google from the Platforms page, then signs in with Google', async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, t.url, OWNER_EMAIL);
    await click(page, 'Sign out');
    await heading(page, 'Sign in', '/signin');

    // Google's account has the same email: it is not signed in, and the app says what to do.
    sandbox.admin.setConsent({ account: 'owner' });
    await through(page, 'Sign in with Google');
    await heading(page, 'Sign in', '/signin');
    expect(await textOf(page, '.notice')).toContain('Link Google account');
    await screenshots(page, 'sign-in-link-required');

    await fill(page, 'Email', OWNER_EMAIL);
    await fill(page, 'Password', PASSWORD);
    await click(page, 'Sign in', 'form button');
    await heading(page, 'Exports', '/exports');
    await click(page, 'Platforms', 'nav a');
    await heading(page, 'Platforms');
    await through(page, 'Link Google account');
    await heading(page, 'Platforms', '/platforms');
    await page.waitForSelector('[data-testid="google-link"] .notice');
    expect(await textOf(page, '[data-testid="google-link"] .notice')).toContain('Your Google account is linked');
    await screenshots(page, 'platforms-google-linked');
    const [row]: { google_id: string | null }[] = await database(t).query('SELECT google_id FROM users WHERE email = $1', [OWNER_EMAIL]);
    expect(row.google_id).toBeTruthy();

    // From now on Google opens this account.
    await click(page, 'Sign out');
    await heading(page, 'Sign in', '/signin');
    await through(page, 'Sign in with Google');
    await heading(page, 'Exports', '/exports');
    expect(await page.evaluate("localStorage.getItem('star-export.refresh-token')")).toBeTruthy();
    expect(errors).toEqual([]);
  }, 120_000);

  it('connects Instagram with cookies pasted from a browser: refuses a session without sessionid, then connects from a Cookie header and from cookies.txt', async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, t.url, uniqueEmail('cookies'));
    const login = instagramLogin(INSTAGRAM_ACCOUNT);
    const card = '[data-platform="instagram"]';
    const paste = async (text: string): Promise<void> => {
      // insertText is what a paste does: tabs and line breaks arrive as they are, with input events.
      await page.$eval(`${card} textarea`, (area, pasted) => {
        area.value = '';
        area.focus();
        area.ownerDocument.execCommand('insertText', false, pasted);
      }, text);
      await click(page, 'Connect with these cookies');
    };
    const connected = async (): Promise<void> => {
      await page.waitForFunction(`document.querySelector('${card} [data-testid="connection-state"]')?.textContent === 'Connected'`);
      expect(await textOf(page, `${card} [data-testid="connect-answer"]`)).toMatch(/rate-limit.*lock/);
      expect(await textOf(page, `${card} .status`)).toContain('Ivy Insta');
    };

    await click(page, 'Platforms', 'nav a');
    await page.waitForSelector(`${card} textarea`);
    await paste('csrftoken=abc; ds_user_id=1');
    await page.waitForSelector(`${card} [role="alert"]`);
    expect(await textOf(page, `${card} [role="alert"]`)).toContain('must include sessionid');

    await paste(cookieHeader(INSTAGRAM_ACCOUNT));
    await connected();
    await screenshots(page, 'platforms-cookies-connected');

    await click(page, 'Disconnect', `${card} button`);
    await page.waitForFunction(`document.querySelector('${card} [data-testid="connection-state"]')?.textContent === 'Not connected'`);
    const expires = Math.floor(Date.now() / 1000) + 86_400 * 365;
    // A browser's cookies.txt holds other sites' cookies too, and is longer than an access token may be.
    const cookiesTxt = [
      '# Netscape HTTP Cookie File',
      `.instagram.com\tTRUE\t/\tTRUE\t${expires}\tds_user_id\t${login.ds_user_id}`,
      `#HttpOnly_.instagram.com\tTRUE\t/\tTRUE\t${expires}\tsessionid\t${login.sessionid}`,
      `.example.com\tTRUE\t/\tFALSE\t${expires}\tunrelated\t${'x'.repeat(4000)}`,
    ].join('\n');
    await paste(cookiesTxt);
    await connected();
    expect(errors).toEqual([]);
  }, 120_000);
});
