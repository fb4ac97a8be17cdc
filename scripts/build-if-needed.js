#!/usr/bin/env node
// `npm start` on a fresh clone builds first; later starts reuse the build unless a source file is newer.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist/apps/api/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
const sources = Math.max(newestSource(path.join(root, 'apps')), newestSource(path.join(root, 'libs')));
if (built < sources) {
  process.stdout.write('Building Star Export...\n');
  execSync('npx nest build api', { cwd: root, stdio: 'inherit' });
}
