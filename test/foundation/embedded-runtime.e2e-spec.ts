import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startTestApp, tempDir } from '../support/test-app';

/** Embedded mode: nothing configured, everything lives in DATA_DIR and survives a restart. */
describe('Embedded runtime', () => {
  const dataDir = tempDir();
  const embedded = { DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates secrets once, private to the owner, and keeps data across restarts', async () => {
    const first = await startTestApp(embedded);
    const secretsFile = join(dataDir, 'secrets.json');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = readFileSync(secretsFile, 'utf8');
    expect(first.config.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    const db = first.app.get(DataSource);
    await db.query('CREATE TABLE restart_probe (note text)');
    await db.query(`INSERT INTO restart_probe VALUES ('kept')`);
    await first.close();

    const second = await startTestApp(embedded);
    try {
      const rows: { note: string }[] = await second.app.get(DataSource).query('SELECT note FROM restart_probe');
      expect(rows).toEqual([{ note: 'kept' }]);
      expect(readFileSync(secretsFile, 'utf8')).toBe(secrets);
      expect(second.config.jwt.secret).toBe(first.config.jwt.secret);
    } finally {
      await second.close();
    }
  });
});
