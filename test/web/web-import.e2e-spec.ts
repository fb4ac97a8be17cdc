import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { archiveIds, openArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { uniqueEmail } from '../support/auth-helpers';
import { Chromium, launchChromium } from '../support/browser';
import { sorted } from '../support/ids';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { tweetId, xArchiveEntries } from '../imports/x-archive-fixture';
import { buildZip } from '../imports/zip-builder';
import { buildWebApp } from './web-build';
import { click, downloaded, heading, openTab, pathOf, register, screenshots, textOf } from './web-support';

/** Picks `file` in the import form and uploads it, the platform left to detection. */
async function uploadThroughPage(page: Page, file: string): Promise<void> {
  await click(page, 'Import an archive', 'nav a');
  await heading(page, 'Import an archive', '/exports/import');
  const input = await page.waitForSelector('input[type="file"][name="file"]');
  await input?.uploadFile(file);
  await click(page, 'Upload and import');
}

/**
 * The import page in Chromium: an X archive picked in the form is uploaded, becomes an export on the
 * Exports page that completes and downloads with the archive's posts and DMs, and a file that is no
 * archive is refused on the page with the API's reason.
 */
describe('The web app: importing a platform archive', () => {
  let t: TestApp;
  let chromium: Chromium;
  let dir: string;

  beforeAll(async () => {
    buildWebApp();
    t = await startTestApp();
    chromium = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'se-web-import-'));
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads an X archive, which runs on the Exports page and downloads with its posts and DMs', async () => {
    const downloads = join(dir, 'downloads');
    mkdirSync(downloads);
    const { page, errors } = await openTab(chromium.browser, downloads);
    await register(page, t.url, uniqueEmail('import'));
    const zip = join(dir, 'twitter-archive.zip');
    writeFileSync(zip, buildZip(xArchiveEntries({ generation: 'modern', parts: [3, 2] })));

    await click(page, 'Import an archive', 'nav a');
    await heading(page, 'Import an archive');
    // X is not connected: there is nothing to top the archive up from.
    await page.select('select[name="platform"]', 'twitter');
    expect(await page.$('input[name="topUp"]')).toBeNull();
    await page.select('select[name="platform"]', '');
    await screenshots(page, 'import-archive');

    await uploadThroughPage(page, zip);
    await page.waitForSelector('li.export[data-status="completed"]');
    expect(await pathOf(page)).toBe('/exports');
    await screenshots(page, 'import-completed');
    await click(page, 'Download');
    const archive = openArchive(await downloaded(downloads), downloads);
    expect(archive.json<Manifest>('manifest.json').platform).toBe('twitter');
    expect(sorted(archiveIds(archive, 'json', 'tweets'))).toEqual(sorted([1, 2, 3, 4, 5].map(tweetId)));
    expect(sorted(archiveIds(archive, 'json', 'direct-messages'))).toEqual(['1700000000000000001', '1700000000000000002']);
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows why a file that is not a ZIP is refused, and stays on the page', async () => {
    const { page, errors } = await openTab(chromium.browser);
    await register(page, t.url, uniqueEmail('import-bad'));
    const notZip = join(dir, 'notes.zip');
    writeFileSync(notZip, 'just some text, renamed to .zip\n'.repeat(20));
    await uploadThroughPage(page, notZip);
    await page.waitForSelector('[role="alert"]');
    const alert = await textOf(page, '[role="alert"]');
    expect(alert).toContain('(reason: not_a_zip)');
    expect(alert.length).toBeGreaterThan('(reason: not_a_zip)'.length + 10);
    expect(await pathOf(page)).toBe('/exports/import');
    await screenshots(page, 'import-refused');
    expect(errors).toEqual([]);
  }, 60_000);
});
