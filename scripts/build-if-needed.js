#!/usr/bin/env node
// `npm start` on a fresh clone builds first; later starts reuse the build unless a source file is newer.
// Two builds: the API (Nest, into dist/apps) and the web app it serves (Vite, into dist/web).
// `--web` builds only the web app (the browser tests need it, not a compiled API).
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function newestSource(dir, extensions) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(full, extensions));
    else if (extensions.some((extension) => item.name.endsWith(extension))) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

function buildApi() {
  const entry = path.join(root, 'dist/apps/api/src/main.js');
  const sources = Math.max(newestSource(path.join(root, 'apps/api'), ['.ts']), newestSource(path.join(root, 'libs'), ['.ts']));
  if (builtAt(entry) >= sources) return;
  process.stdout.write('Building Star Export...\n');
  execSync('npx nest build api', { cwd: root, stdio: 'inherit' });
}

function buildWeb() {
  const entry = path.join(root, 'dist/web/index.html');
  const sources = Math.max(
    newestSource(path.join(root, 'apps/web'), ['.ts', '.tsx', '.css', '.html', '.mjs']),
    newestSource(path.join(root, 'libs/contracts'), ['.ts']),
  );
  if (builtAt(entry) >= sources) return;
  process.stdout.write('Building the Star Export web app...\n');
  // Production React whatever NODE_ENV the caller runs under (a test runner sets `test`).
  execSync('npx vite build --config apps/web/vite.config.mjs --logLevel warn', { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

if (!process.argv.includes('--web')) buildApi();
buildWeb();
