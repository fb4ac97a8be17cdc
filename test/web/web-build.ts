import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the web app into dist/web unless the build is newer than its sources (as `npm start` does). */
export function buildWebApp(): void {
  execFileSync(process.execPath, [join(__dirname, '../../scripts/build-if-needed.js'), '--web'], { stdio: 'inherit' });
}
