#!/usr/bin/env node
// `npm run demo`: the platform sandbox and Star Export wired to it, in embedded mode, with a demo
// account whose sandbox YouTube channel is connected and a first export started, so a newcomer sees
// a real export without platform credentials. Everything lives in a fresh temporary DATA_DIR.
const { execSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const PORT = Number(process.env.PORT || 5000);
const API = `http://localhost:${PORT}`;
const ACCOUNT = { email: 'demo@example.com', password: 'star export demo', name: 'Demo' };

async function call(method, route, body, token) {
  const res = await fetch(`${API}${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${json.code}: ${json.error}`);
  return json.data;
}

async function waitForHealth(child) {
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) throw new Error('Star Export exited during start-up');
    try {
      if ((await fetch(`${API}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('Star Export did not become healthy within 2 minutes');
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/apps/platform-sandbox/src/index.js'))) {
    execSync('npx nest build platform-sandbox', { cwd: root, stdio: 'inherit' });
  }
  execSync('node scripts/build-if-needed.js', { cwd: root, stdio: 'inherit' });
  const { startSandbox } = require(path.join(root, 'dist/apps/platform-sandbox/src'));
  const sandbox = await startSandbox({ port: Number(process.env.SANDBOX_PORT || 5100) });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'star-export-demo-'));
  const env = { ...process.env, ...sandbox.env, YOUTUBE_WATCH_URL: `${sandbox.url}/watch`, PORT: String(PORT), DATA_DIR: dataDir, PUBLIC_URL: API, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' };
  // Embedded mode: PGlite and in-process queues, nothing else to install.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  // As `npm start` runs it (apps/api/src/launch-settings.ts).
  const { SERVICE_NODE_ARGS, SERVICE_ENV } = require(path.join(root, 'dist/apps/api/src/launch-settings'));
  const api = spawn(process.execPath, [...SERVICE_NODE_ARGS, 'dist/apps/api/src/main.js'], { cwd: root, env: { ...SERVICE_ENV, ...env }, stdio: 'inherit' });
  const stop = () => {
    api.kill('SIGTERM');
    void sandbox.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  await waitForHealth(api);
  const session = await call('POST', '/api/auth/register', ACCOUNT);
  const youtube = sandbox.admin.issueTokens({ account: 'alice' });
  await call('POST', '/api/platforms/youtube/connect', { accessToken: youtube.access_token, refreshToken: youtube.refresh_token }, session.token);
  const job = await call('POST', '/api/export/start', { platform: 'youtube', format: 'html' }, session.token);

  process.stdout.write(
    `\nStar Export demo is running at ${API} (data in ${dataDir}), wired to the platform sandbox at ${sandbox.url}.\n` +
      `Signed up ${ACCOUNT.email} (password "${ACCOUNT.password}"), connected the sandbox YouTube channel of "alice",\n` +
      `and started an HTML export: ${job.jobId}\n\nNext:\n` +
      `  export TOKEN=${session.token}\n` +
      `  curl -s ${API}/api/export/${job.jobId} -H "Authorization: Bearer $TOKEN"          # status and progress\n` +
      `  curl -s -o demo.zip ${API}/api/export/${job.jobId}/download -H "Authorization: Bearer $TOKEN"   # the archive, once completed\n` +
      `  unzip demo.zip -d demo && open demo/index.html                                      # browse it offline\n` +
      `  open ${API}/api/docs                                                                # every route, in Swagger UI\n` +
      `The access token lasts 15 minutes; log in again with the account above. Ctrl-C stops both.\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
