import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres';

// PGlite's version names the template, so an upgrade never starts apps on a cluster it did not make.
const pglitePackage = join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
const { version } = JSON.parse(readFileSync(pglitePackage, 'utf8')) as { version: string };
const template = join(tmpdir(), `star-export-pglite-${version}`);

/**
 * Creating a PostgreSQL cluster (initdb, in WASM) is about 5 s of CPU, ten times an app's start on an
 * existing one, and the suites start hundreds of embedded apps. So an app of the tests whose DATA_DIR
 * has no database yet gets a copy of an empty cluster made once: what initdb would have written,
 * before any migration or data. The start command's and the demo's suites still start the service on
 * a DATA_DIR of nothing, as a user does.
 */
export async function seedEmbeddedDatabase(dataDir: string): Promise<void> {
  const target = join(dataDir, 'pglite');
  if (existsSync(target)) return;
  if (!existsSync(template)) {
    const scratch = mkdtempSync(`${template}-making-`);
    const embedded = await EmbeddedPostgres.start(scratch);
    await embedded.stop();
    try {
      renameSync(join(scratch, 'pglite'), template);
    } catch (error) {
      // Another test process made it first; theirs is as good.
      if (!existsSync(template)) throw error;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  cpSync(template, target, { recursive: true });
}
