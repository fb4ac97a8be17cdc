import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** The web app's API types are generated from the committed openapi.json; they must not drift from it. */
describe("The web app's generated API client types", () => {
  it('are current with openapi.json (regenerate with `npm run web:api-types`)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-api-types-'));
    try {
      const fresh = join(dir, 'schema.d.ts');
      execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), [join(root, 'openapi.json'), '-o', fresh], { stdio: 'pipe' });
      expect(readFileSync(join(root, 'apps/web/src/api/schema.d.ts'), 'utf8')).toBe(readFileSync(fresh, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
