import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version from package.json, found by walking up from this file (src in tests, dist when built). */
export function readPackageVersion(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 8; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'star-export' && pkg.version) return pkg.version;
    } catch {
      // not at the project root yet
    }
    dir = join(dir, '..');
  }
  return '0.0.0';
}
