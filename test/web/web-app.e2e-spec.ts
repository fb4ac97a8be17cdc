import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { HTTPRequest, Page } from 'puppeteer-core';
import request from 'supertest';
import type { Manifest } from '../support/archive';
import { archiveIds, openArchive } from '../support/archive';
import { uniqueEmail } from '../support/auth-helpers';
import { Chromium, launchChromium } from '../support/browser';
import { Harness, connect, newUser, startHarness } from '../platforms/platforms-support';
import { sorted } from '../support/ids';
import { freshAccount } from '../youtube/youtube-support';
import type { AccountIds } from '../youtube/youtube-support';
import { buildWebApp } from './web-build';
import { click, connectionState, downloaded, fill, heading, openTab, pathOf, screenshots, textOf } from './web-support';

const PASSWORD = 'correct horse battery';

/** Registers through the app's own form and lands on the exports page. */
async function register(page: Page, url: string): Promise<string> {
  await page.goto(`${url}/`);
  await page.waitForSelector('h1');
  expect(await pathOf(page)).toBe('/signin');
  await screenshots(page, 'sign-in');
  await click(page, 'Create an account');
  await heading(page, 'Create your account');
  await screenshots(page, 'register');
  const email = uniqueEmail('web');
  await fill(page, 'Name', 'Web Tester');
  await fill(page, 'Email', email);
  await fill(page, 'Password', PASSWORD);
  await click(page, 'Create account');
  await heading(page, 'Exports', '/exports');
  return email;
}

/** Pastes tokens into the platform card's form and submits it. */
async function pasteTokens(page: Page, accessToken: string, refreshToken?: string): Promise<void> {
  await page.waitForSelector('[data-platform="youtube"] details');
  await page.$eval('[data-platform="youtube"] details', (details) => details.setAttribute('open', ''));
  await fill(page, 'Access token', accessToken, 'youtube');
  if (refreshToken) await fill(page, 'Refresh token (optional)', refreshToken, 'youtube');
  await click(page, 'Connect with these tokens');
}

async function goTo(page: Page, link: string, title: string): Promise<void> {
  await click(page, link, 'nav a');
  await heading(page, title);
}

async function startExport(page: Page, collections: string[]): Promise<void> {
  await goTo(page, 'New export', 'New export');
  await page.waitForSelector('input[name="collections"]');
  await page.$$eval(
    'input[name="collections"]',
    (boxes, wanted) => boxes.forEach((box) => Object.assign(box, { checked: wanted.includes(box.getAttribute('value') ?? '') })),
    collections,
  );
  await click(page, 'Start export');
  await page.waitForFunction("window.location.pathname === '/exports' && document.querySelector('li.export') !== null");
}

describe('The web app in Chromium', () => {
  let h: Harness;
  let chromium: Chromium;
  let served: AccountIds;

  beforeAll(async () => {
    buildWebApp();
    h = await startHarness({ worker: true });
    served = await freshAccount(h.sandbox, { key: 'web', videos: 240, playlistSizes: [60], likes: 0, subscriptions: 60, maxThreadsPerVideo: 0 });
    await freshAccount(h.sandbox, { key: 'slow', videos: 400, playlistSizes: [], likes: 0, subscriptions: 0, maxThreadsPerVideo: 0 });
    chromium = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await h?.close();
  });

  it('registers, refuses a bad token with the API’s message, connects, exports with a moving progress bar, and downloads the ZIP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-web-download-'));
    const { page, errors } = await openTab(chromium.browser, dir);
    await register(page, h.t.url);

    // The session survives a reload.
    await page.reload();
    await heading(page, 'Exports', '/exports');
    await page.waitForSelector('nav[aria-label="Main"]');
    expect(await pathOf(page)).toBe('/exports');

    await goTo(page, 'Platforms', 'Platforms');
    await page.waitForSelector('[data-testid="connection-state"]');
    expect(await textOf(page, '[data-platform="youtube"] [data-testid="connection-state"]')).toBe('Not connected');
    expect(await textOf(page, '[data-platform="youtube"] p')).toContain('videos');
    await screenshots(page, 'platforms');

    // A token the platform refuses: the card says what the API said.
    const refusal = await connect(h.t, await newUser(h.t), { accessToken: 'ya29.not-a-real-token' });
    expect(refusal.status).toBeGreaterThanOrEqual(400);
    const apiMessage = (refusal.body as { error: string }).error;
    await pasteTokens(page, 'ya29.not-a-real-token');
    await page.waitForSelector('[data-platform="youtube"] [role="alert"]');
    expect(await textOf(page, '[data-platform="youtube"] [role="alert"]')).toContain(apiMessage);
    await screenshots(page, 'platforms-connect-refused');

    const tokens = h.sandbox.admin.issueTokens({ account: 'web' });
    await page.reload();
    await pasteTokens(page, tokens.access_token, tokens.refresh_token);
    await connectionState(page, 'Connected');
    const card = await textOf(page, '[data-platform="youtube"] dl');
    expect(card).toContain('Token expires');
    expect(card).toContain('youtube.readonly');
    await screenshots(page, 'platforms-connected');

    await goTo(page, 'New export', 'New export');
    await page.waitForSelector('input[name="collections"]');
    await page.waitForSelector('[data-testid="budget"]');
    expect(await textOf(page, '[data-testid="budget"]')).toMatch(/YouTube quota used: \d+ of \d+, resets/);
    await screenshots(page, 'new-export');

    // Slow answers from the platform, so the progress bar has time to be seen moving.
    h.sandbox.admin.addLatency({ ms: 250, match: { account: 'web', path: '/youtube/v3/*' } });
    await startExport(page, ['profile', 'videos', 'playlists', 'playlist-items', 'subscriptions']);
    const seen = new Set<number>();
    while (!(await page.$('li.export[data-status="completed"]'))) {
      const value = await page.$eval('li.export progress', (bar) => Number(bar.getAttribute('value'))).catch(() => null);
      if (value !== null) seen.add(value);
      if (seen.size === 2) await screenshots(page, 'exports-live');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const between = [...seen].filter((value) => value > 0 && value < 100);
    expect(between.length).toBeGreaterThanOrEqual(2);
    await screenshots(page, 'exports-completed');
    await page.waitForSelector('.stats');
    expect(await textOf(page, '.stats')).toMatch(/Completed\s*1/);

    // The browser's download manager fetches the archive through a short-lived link.
    try {
      await click(page, 'Download');
      const archive = openArchive(await downloaded(dir), dir);
      const manifest = archive.json<Manifest>('manifest.json');
      expect(manifest.platform).toBe('youtube');
      expect(sorted(archiveIds(archive, 'json', 'videos'))).toEqual(sorted(served.videos));
      expect(sorted(archiveIds(archive, 'json', 'subscriptions'))).toEqual(sorted(served.subscriptions));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  }, 240_000);

  it("connects through the platform's consent screen, and cancels a running export", async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, h.t.url);
    await goTo(page, 'Platforms', 'Platforms');
    // The app fetches the consent URL (leaving the cookie that binds the flow to this browser) and goes there;
    // the sandbox consents for its account and sends the browser back to the service's callback.
    h.sandbox.admin.setConsent({ account: 'slow' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click(page, 'Connect YouTube')]);
    await page.waitForFunction("document.querySelector('#outcome')?.getAttribute('data-outcome') === 'connected'");
    await page.goto(`${h.t.url}/platforms`);
    await connectionState(page, 'Connected');
    h.sandbox.admin.addLatency({ ms: 2_000, match: { account: 'slow', path: '/youtube/v3/*' } });
    await startExport(page, ['videos']);
    await click(page, 'Cancel');
    await page.waitForSelector('li.export[data-status="cancelled"]');
    expect(await page.$('li.export progress')).toBeNull();
    await screenshots(page, 'exports-cancelled');
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows the wait reason and resume time while an export waits out the quota, its resumption, and a failure with what to do', async () => {
    await freshAccount(h.sandbox, { key: 'waiter', videos: 137, playlistSizes: [], likes: 0, subscriptions: 0, maxThreadsPerVideo: 0 });
    const { page, errors } = await openTab(chromium.browser);
    await register(page, h.t.url);
    await goTo(page, 'Platforms', 'Platforms');
    const tokens = h.sandbox.admin.issueTokens({ account: 'waiter' });
    await pasteTokens(page, tokens.access_token, tokens.refresh_token);
    await connectionState(page, 'Connected');

    // Four units left today: the second page of videos is refused, and the export parks until midnight Pacific.
    h.sandbox.admin.setQuota({ account: 'waiter', remaining: 4 });
    await startExport(page, ['videos']);
    await page.waitForSelector('li.export [data-testid="wait-reason"]');
    const wait = await textOf(page, 'li.export [data-testid="wait-reason"]');
    expect(wait).toContain('Waiting for the platform’s quota to reset');
    expect(wait).toMatch(/resumes by itself at \S/);
    expect(await page.$('li.export[data-status="processing"] progress')).not.toBeNull();
    await screenshots(page, 'exports-waiting');

    // The night passes: the platform's day turns over and the parked export runs again.
    const jobId = await page.$eval('li.export', (row) => row.getAttribute('data-job') ?? '');
    try {
      h.sandbox.admin.setClock({ toNextPacificMidnight: true, plusMs: 60_000 });
      await (await h.t.app.get<Queue>(getQueueToken('exports')).getJob(jobId))?.promote();
      await page.waitForSelector(`li.export[data-job="${jobId}"][data-status="completed"]`);
    } finally {
      h.sandbox.admin.resetClock();
    }
    expect(await page.$('[data-testid="wait-reason"]')).toBeNull();

    // The platform withdraws the grant: the next export fails, and the row says why and what to do.
    h.sandbox.admin.invalidateGrants({ account: 'waiter' });
    await startExport(page, ['videos']);
    await page.waitForSelector('li.export[data-status="failed"] [data-testid="failure"]');
    const failure = await textOf(page, 'li.export[data-status="failed"] [data-testid="failure"]');
    expect(failure).toMatch(/Platforms page/);
    await screenshots(page, 'exports-failed');
    expect(errors).toEqual([]);
  }, 180_000);

  it("stays signed in when a page load's refresh meets the auth rate limit: it waits the second out", async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, h.t.url);
    // Right before the reloaded page's refresh goes out, five other auth requests from its address
    // fill the second's budget, so the refresh is refused with 429 and Retry-After: 1.
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/auth/refresh')) refreshes.push(response.status());
    });
    await page.setRequestInterception(true);
    const onRequest = (intercepted: HTTPRequest): void => {
      if (!intercepted.url().endsWith('/api/auth/refresh') || refreshes.length > 0) return void intercepted.continue();
      // The tab's own address (openTab gives each tab one, as X-Forwarded-For).
      const address = intercepted.headers()['x-forwarded-for'];
      const burst = Array.from({ length: 5 }, () => request(h.t.url).post('/api/auth/refresh').set('X-Forwarded-For', address).send({ refreshToken: 'x' }));
      void Promise.all(burst).then(() => intercepted.continue());
    };
    page.on('request', onRequest);
    await page.reload();
    await heading(page, 'Exports', '/exports');
    expect(refreshes).toEqual([429, 200]);
    page.off('request', onRequest);
    await page.setRequestInterception(false);
    expect(errors).toEqual([]);
  });

  it('returns to sign-in with a message when the session ends mid-way, and stays there on reload', async () => {
    const { page, errors } = await openTab(chromium.browser);
    let email = '';
    const signedOutElsewhere = async (): Promise<void> => {
      const refreshToken = await page.evaluate("localStorage.getItem('star-export.refresh-token')");
      expect(refreshToken).toBeTruthy();
      await request(h.t.url).post('/api/auth/logout').send({ refreshToken }).expect(200);
    };
    const backAtSignIn = async (): Promise<void> => {
      await heading(page, 'Sign in', '/signin');
      expect(await textOf(page, '.notice')).toContain('Your session has ended');
      expect(await page.evaluate("localStorage.getItem('star-export.refresh-token')")).toBeNull();
    };

    // On the exports page the live socket is open: the server closes it when the session ends, and
    // the app goes back to sign-in by itself, with nothing clicked.
    email = await register(page, h.t.url);
    await page.waitForFunction('document.querySelector(".stats") !== null');
    await signedOutElsewhere();
    await backAtSignIn();

    // On a page without a socket (the platform catalogue is public), the next page's requests are
    // refused and the app goes back to sign-in.
    await fill(page, 'Email', email);
    await fill(page, 'Password', PASSWORD);
    await click(page, 'Sign in', 'form button');
    await heading(page, 'Exports', '/exports');
    await goTo(page, 'Platforms', 'Platforms');
    await page.waitForSelector('[data-testid="connection-state"]');
    await signedOutElsewhere();
    await click(page, 'Exports', 'nav a');
    await backAtSignIn();

    await page.reload();
    await heading(page, 'Sign in');
    expect(await pathOf(page)).toBe('/signin');
    expect(errors).toEqual([]);
  }, 120_000);
});
