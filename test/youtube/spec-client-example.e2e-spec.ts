import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchive } from '../support/archive';
import { Chromium, launchChromium } from '../support/browser';
import { AccountIds, YouTubeHarness, connectYouTube, expectEveryItemOnce, freshAccount, startYouTubeHarness } from './youtube-support';

/** The specification's WebSocket snippet, verbatim. */
const SOCKET_SNIPPET = `const socket = io('ws://localhost:5000', {
auth: {
token: 'jwt-token'
}
});`;

/** The specification's integration example, verbatim. */
const INTEGRATION_EXAMPLE = `// 1. Authenticate
const loginResponse = await fetch('/api/auth/login', {
method: 'POST',
headers: { 'Content-Type': 'application/json' },
body: JSON.stringify({
email: 'user@example.com',
password: 'password'
})
});
const { token } = await loginResponse.json();
// 2. Start export
const exportResponse = await fetch('/api/export/start', {
method: 'POST',
headers: {
'Authorization': \`Bearer \${token}\`,
'Content-Type': 'application/json'
},
body: JSON.stringify({
platform: 'youtube',
format: 'json',
options: { includeMedia: true }
})
});
const { jobId } = await exportResponse.json();
// 3. Monitor progress via WebSocket
socket.on('export:progress', (data) => {
if (data.jobId === jobId) {
console.log(\`Progress: \${data.progress}%\`);
}
});
// 4. Download when complete
socket.on('export:complete', async (data) => {
if (data.jobId === jobId) {
window.location.href = \`/api/export/\${jobId}/download\`;
}
});`;

/**
 * The client code the specification gives, run in Chromium as written against the service with the
 * real YouTube adapter (the sandbox standing in for Google). Only its placeholders are filled in: the
 * server's address and the socket's token. Its sample account, user@example.com with the password
 * "password", exists and has a YouTube channel connected.
 */
describe("The specification's client example, in a browser", () => {
  let harness: YouTubeHarness;
  let chromium: Chromium;
  let channel: AccountIds;
  const downloads = mkdtempSync(join(tmpdir(), 'se-downloads-'));

  beforeAll(async () => {
    harness = await startYouTubeHarness();
    channel = await freshAccount(harness.sandbox, {
      key: 'example',
      videos: 3,
      playlistSizes: [2],
      likes: 0,
      subscriptions: 2,
      maxThreadsPerVideo: 1,
      maxRepliesPerThread: 1,
    });
    chromium = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await harness?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('signs in, starts a YouTube export with media, logs its progress and downloads the archive', async () => {
    const { t, sandbox } = harness;
    const owner = await connectYouTube(t, sandbox, 'example', { email: 'user@example.com', password: 'password' });

    const page = await chromium.browser.newPage();
    const logged: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    // The example's URLs are relative: the page must come from the service's own origin. Its answers
    // forbid inline scripts (helmet's CSP), which this page needs to run the example at all.
    await page.setBypassCSP(true);
    await page.goto(`${t.url}/api/health`);
    // The socket.io browser bundle, as an SPA would load it (the package exports no path to it).
    await page.addScriptTag({ path: join(require.resolve('socket.io-client'), '../../../dist/socket.io.min.js') });

    const cdp = await chromium.browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
    const downloaded = new Promise<string>((resolve, reject) => {
      let fileName = '';
      cdp.on('Browser.downloadWillBegin', (event) => (fileName = event.suggestedFilename));
      cdp.on('Browser.downloadProgress', (event) => {
        if (event.state === 'completed') resolve(fileName);
        if (event.state === 'canceled') reject(new Error(`the download of ${fileName} was cancelled`));
      });
    });

    const socketSnippet = SOCKET_SNIPPET.replace('ws://localhost:5000', t.url.replace(/^http/, 'ws')).replace('jwt-token', owner.session.token);
    await page.evaluate(`(async () => {\n${socketSnippet}\n${INTEGRATION_EXAMPLE}\n})()`);

    const fileName = await downloaded;
    expect(fileName).toMatch(/^youtube-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const archive = openArchive(join(downloads, fileName));
    try {
      expectEveryItemOnce(archive, 'json', channel);
      for (const video of channel.videos) expect(archive.files).toContain(`media/videos/${video}-0.jpg`);
    } finally {
      archive.cleanup();
    }
    const progress = logged.filter((line) => /^Progress: \d+%$/.test(line)).map((line) => Number(/\d+/.exec(line)?.[0]));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.every((value) => value >= 0 && value <= 100)).toBe(true);
  }, 180_000);
});
