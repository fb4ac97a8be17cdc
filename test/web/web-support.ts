import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { newAddress } from '../support/auth-helpers';
import { sleep } from '../support/pacing';

/** Screenshots of every page, for people to look at; git-ignored. */
export const ARTIFACTS = join(__dirname, '../../test-artifacts/web');

const DESKTOP = { width: 1280, height: 900 };
// Phone-sized, without isMobile/hasTouch: changing those makes Chromium reload the page mid-test.
const PHONE = { width: 390, height: 844, deviceScaleFactor: 2 };

/**
 * A tab of its own with a client address of its own (the service trusts one proxy hop in the tests),
 * so the general rate limit counts each simulated person separately. Page errors fail the test.
 */
export async function openTab(browser: Browser, downloadPath?: string): Promise<{ page: Page; errors: string[] }> {
  // A context of its own is a separate person: no shared storage or cookies. Downloads are saved
  // into `downloadPath` without asking, as the browser's download manager does.
  const context = await browser.createBrowserContext(downloadPath ? { downloadBehavior: { policy: 'allow', downloadPath } } : {});
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': newAddress() });
  await page.setViewport(DESKTOP);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    // A refused request is logged by the browser as an error; the app shows those itself.
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) errors.push(message.text());
  });
  return { page, errors };
}

/** The current page at desktop size in the light theme and at phone size in the dark one. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  await page.setViewport(DESKTOP);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await page.setViewport(PHONE);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-phone-dark.png`), fullPage: true });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  await page.setViewport(DESKTOP);
}

/** Waits until the page's heading reads `title` (and the address is `path`, when given). */
export async function heading(page: Page, title: string, path?: string): Promise<void> {
  const where = path ? ` && window.location.pathname === ${JSON.stringify(path)}` : '';
  await page.waitForFunction(`document.querySelector('h1')?.textContent === ${JSON.stringify(title)}${where}`);
}

/** Registers `email` through the app's own form and waits for the exports page it lands on. */
export async function register(page: Page, url: string, email: string, password = 'correct horse battery'): Promise<void> {
  await page.goto(`${url}/register`);
  await heading(page, 'Create your account');
  await fill(page, 'Name', 'Owner');
  await fill(page, 'Email', email);
  await fill(page, 'Password', password);
  await click(page, 'Create account');
  await heading(page, 'Exports', '/exports');
}

/** Waits until the YouTube card shows this connection state. */
export async function connectionState(page: Page, state: string): Promise<void> {
  await page.waitForFunction(
    `document.querySelector('[data-platform="youtube"] [data-testid="connection-state"]')?.textContent === ${JSON.stringify(state)}`,
  );
}

/**
 * Clicks the control whose visible text is exactly `text` (a button or a link). The control is looked
 * up again when clicking; if a re-render removed it meanwhile, it is waited for again.
 */
export async function click(page: Page, text: string, selector = 'button, a, summary'): Promise<void> {
  const find = `[...document.querySelectorAll(${JSON.stringify(selector)})].find((el) => el.textContent.trim() === ${JSON.stringify(text)} && !el.disabled)`;
  const clickIfThere = `(() => { const el = ${find}; if (!el) return false; el.click(); return true; })()`;
  // Waiting is separate from clicking, so a click that navigates is never repeated on the next page.
  for (;;) {
    await page.waitForFunction(`Boolean(${find})`);
    if (await page.evaluate(clickIfThere)) return;
  }
}

/** Types into the input labelled `label`. */
export async function fill(page: Page, label: string, value: string, scope = 'body'): Promise<void> {
  const handle = await page.waitForSelector(`::-p-xpath(//${scopeXPath(scope)}//label[normalize-space(text())="${label}"]//input)`);
  if (!handle) throw new Error(`no field labelled ${label}`);
  await handle.click({ count: 3 });
  await handle.type(value);
}

const scopeXPath = (scope: string): string => (scope === 'body' ? 'body' : `*[@data-platform="${scope}"]`);

export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (element) => element.textContent?.trim() ?? '');
}

export async function pathOf(page: Page): Promise<string> {
  return new URL(page.url()).pathname;
}

/** The first finished download in `dir` (Chromium writes `.crdownload` until it is complete). */
export async function downloaded(dir: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = readdirSync(dir).find((name) => name.endsWith('.zip'));
    if (done) return join(dir, done);
    await sleep(200);
  }
  throw new Error(`nothing was downloaded into ${dir}`);
}
