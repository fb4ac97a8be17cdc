import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import type { Manifest } from '../support/archive';
import { withArchive } from '../support/archive';
import { launchChromium } from '../support/browser';
import { sleep } from '../support/pacing';
import { freePort } from '../support/redis-server';
import { serverMode } from '../support/test-app';

const root = join(__dirname, '../..');

/**
 * In Chromium, from the unpacked folder as a person opens it: the index leads to the comments, each
 * thread says which video it is on and leads to that video's card, which leads back to its comments.
 */
async function browseComments(dir: string): Promise<void> {
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await Promise.all([page.waitForNavigation(), page.click('a[href="html/comments-1.html"]')]);
    const on = await page.waitForSelector('article.card .about a');
    const video = await on?.evaluate((link) => ({ title: link.textContent ?? '', href: link.getAttribute('href') ?? '' }));
    expect(video?.title).toEqual(expect.stringMatching(/\S/));
    // A thread's replies sit inside the card of the comment they answer.
    expect(await page.$('article.card .replies article.card')).not.toBeNull();

    await Promise.all([page.waitForNavigation(), on?.click()]);
    const target = decodeURIComponent(new URL(page.url()).hash.slice(1));
    expect(new URL(page.url()).pathname).toMatch(/\/html\/videos-\d+\.html$/);
    const card = await page.$eval(`[id="${target}"]`, (article) => ({
      heading: article.querySelector('h2')?.textContent ?? '',
      comments: article.querySelector('.followers a')?.textContent ?? '',
    }));
    expect(card.heading).toBe(video?.title);
    expect(card.comments).toMatch(/^\d+ comments$/);
    // No scripts and nothing fetched from anywhere but the folder itself.
    expect(await page.$('script')).toBeNull();
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  } finally {
    await chromium.close();
  }
}

/** Resolves with the demo's output once it has printed what to do next; fails if it exits first. */
function printedNext(demo: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (/Next:[\s\S]*Ctrl-C stops both/.test(output())) resolve();
    };
    demo.stdout?.on('data', check);
    demo.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}:\n${output()}`)));
  });
}

/**
 * `npm run demo` as a newcomer runs it: the sandbox and the service start, the demo account is signed
 * up with the sandbox channel connected and an export started, and the printed commands fetch a
 * finished archive. Ports of its own, so it runs beside anything else.
 */
// The demo runs in embedded mode whatever the environment says, so the server-mode pass skips it.
(serverMode() ? describe.skip : describe)('npm run demo', () => {
  let demo: ChildProcess | undefined;
  let output = '';
  let dataDir: string | undefined;

  afterAll(async () => {
    if (demo?.pid && demo.exitCode === null) {
      // The demo stops the service and the sandbox on SIGTERM, as on Ctrl-C.
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      demo.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the sandbox and the service, connects a demo channel, and the printed commands download a finished export', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SANDBOX_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    demo = spawn(process.execPath, [join(root, 'scripts/demo.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await printedNext(demo, () => output);

    const api = `http://localhost:${port}`;
    expect(output).toContain(`Star Export demo is running at ${api}`);
    dataDir = /\(data in ([^)]+)\)/.exec(output)?.[1];
    const token = /export TOKEN=(\S+)/.exec(output)?.[1] ?? '';
    const jobId = /started an HTML export: (\S+)/.exec(output)?.[1] ?? '';
    expect(token).not.toBe('');
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // The first printed command, until the export has finished.
    let status = '';
    for (let i = 0; i < 240 && status !== 'completed' && status !== 'failed'; i += 1) {
      if (i > 0) await sleep(500);
      const res = await request(api).get(`/api/export/${jobId}`).set('Authorization', `Bearer ${token}`).expect(200);
      status = (res.body as { data: { status: string } }).data.status;
    }
    expect(status).toBe('completed');

    // The second: the archive, which opens in a browser from its index.
    const demoUser = { auth: { Authorization: `Bearer ${token}` }, pace: () => Promise.resolve() };
    await withArchive({ url: api }, demoUser, jobId, async (archive) => {
      expect(archive.json<Manifest>('manifest.json').platform).toBe('youtube');
      await browseComments(archive.dir);
    });
  }, 300_000);
});
