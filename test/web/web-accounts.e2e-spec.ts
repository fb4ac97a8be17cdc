import type { HTTPRequest, Page } from 'puppeteer-core';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { database, uniqueEmail } from '../support/auth-helpers';
import { Chromium, launchChromium } from '../support/browser';
import { freePort } from '../support/redis-server';
import { TestApp, startTestApp } from '../support/test-app';
import { buildWebApp } from './web-build';
import { click, fill, heading, openTab, screenshots, textOf } from './web-support';

const PASSWORD = 'correct horse battery';
const OWNER_EMAIL = 'owner.web@example.com';

async function register(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/register`);
  await heading(page, 'Create your account');
  await fill(page, 'Name', 'Owner');
  await fill(page, 'Email', email);
  await fill(page, 'Password', PASSWORD);
  await click(page, 'Create account');
  await heading(page, 'Exports', '/exports');
}

/** Follows a link or button that leaves the app (for Google's consent screen) until the app is back. */
async function through(page: Page, text: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click(page, text)]);
  await page.waitForSelector('h1');
}

/**
 * The app served with FRONTEND_URL naming itself, so Google sign-in lands in it; the platform sandbox
 * plays Google.
 */
describe('The web app: Google sign-in and linking, and connecting with browser cookies', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let chromium: Chromium;

  beforeAll(async () => {
    buildWebApp();
    sandbox = await startSandbox({ port: 0, accounts: [{ key: 'owner', email: OWNER_EMAIL, name: 'Owner', videos: 1 }] });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    t = await startTestApp({ ...sandbox.env, TRUST_PROXY: '1', PORT: String(port), PUBLIC_URL: url, FRONTEND_URL: url });
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

  // No cookie-session platform is offered by this build, so the catalogue and the connect answers are
  // the API's documented shapes served to the browser; the form is built from the catalogue alone.
  it('connects a platform with pasted browser cookies, shows the refusal and then the warnings the API gives', async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, t.url, uniqueEmail('cookies'));
    const catalogue = (await request(t.url).get('/api/platforms').expect(200)).body as { data: object[] };
    const cookiePlatform = {
      name: 'instagram',
      displayName: 'Instagram',
      authType: 'cookies',
      exportFormats: ['json', 'csv', 'html'],
      features: { posts: true, reels: true, stories: true, comments: true },
    };
    const sent: unknown[] = [];
    let connected = false;
    const status = (): object => ({
      success: true,
      data: {
        connected,
        needsReconnect: false,
        account: connected ? { id: '25025320', name: 'owner.web' } : null,
        permissions: [],
        tokenExpiry: null,
        lastSync: null,
        quotaUsage: { used: 0, limit: 200, resetsAt: '2030-01-01T00:00:00.000Z' },
      },
    });
    const json = (req: HTTPRequest, code: number, body: object): Promise<void> =>
      req.respond({ status: code, contentType: 'application/json', body: JSON.stringify(body) });
    await page.setRequestInterception(true);
    // openapi-fetch sends its body as a stream, which Chromium hands over only on request.
    const bodyOf = async (req: HTTPRequest): Promise<unknown> => JSON.parse(req.postData() ?? (await req.fetchPostData()) ?? 'null');
    const serve = async (req: HTTPRequest): Promise<void> => {
      const path = new URL(req.url()).pathname;
      if (path === '/api/platforms' && req.method() === 'GET') return json(req, 200, { success: true, data: [...catalogue.data, cookiePlatform] });
      if (path === '/api/platforms/instagram/status') return json(req, 200, status());
      if (path === '/api/platforms/instagram/connect') {
        sent.push(await bodyOf(req));
        if (sent.length === 1) {
          return json(req, 422, { success: false, error: 'The session cookies were refused: sessionid is missing', code: 'PLATFORM_TOKEN_REJECTED' });
        }
        connected = true;
        return json(req, 200, {
          success: true,
          message: 'Instagram is connected as owner.web',
          warnings: ['Heavy automated use can get an account rate-limited or locked; exports are paced to look like a person browsing.'],
        });
      }
      await req.continue();
    };
    page.on('request', (req) => void serve(req));

    await click(page, 'Platforms', 'nav a');
    await page.waitForSelector('[data-platform="instagram"] textarea');
    expect(await textOf(page, '[data-platform="instagram"] form')).toContain('cookies.txt');
    const paste = async (text: string): Promise<void> => {
      await page.$eval('[data-platform="instagram"] textarea', (area) => Object.assign(area, { value: '' }));
      await page.type('[data-platform="instagram"] textarea', text);
      await click(page, 'Connect with these cookies');
    };

    await paste('csrftoken=abc');
    await page.waitForSelector('[data-platform="instagram"] [role="alert"]');
    expect(await textOf(page, '[data-platform="instagram"] [role="alert"]')).toContain('sessionid is missing');

    const header = 'sessionid=25025320%3Aabc%3A12; csrftoken=abc; ds_user_id=25025320';
    await paste(header);
    await page.waitForSelector('[data-platform="instagram"] [data-testid="connect-answer"]');
    const answer = await textOf(page, '[data-platform="instagram"] [data-testid="connect-answer"]');
    expect(answer).toContain('Instagram is connected as owner.web');
    expect(answer).toContain('rate-limited or locked');
    await page.waitForFunction(
      `document.querySelector('[data-platform="instagram"] [data-testid="connection-state"]')?.textContent === 'Connected'`,
    );
    expect(sent).toEqual([{ accessToken: 'csrftoken=abc' }, { accessToken: header }]);
    await screenshots(page, 'platforms-cookies-connected');
    expect(errors).toEqual([]);
  }, 120_000);
});
