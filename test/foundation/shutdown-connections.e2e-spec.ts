import { Client } from 'pg';
import { sleep } from '../support/pacing';
import { serverMode, startTestApp } from '../support/test-app';

/**
 * A service that is stopped must hang up every database connection it opened, including the queue's
 * LISTEN connection when the queue runs on PostgreSQL. A connection left open kept the embedded
 * database waiting out its grace period on every shutdown; on a PostgreSQL server it is seen directly.
 */
(serverMode() ? describe : describe.skip)('Shutdown with the queue on a PostgreSQL server', () => {
  it('leaves no connection open on its database once the app is closed', async () => {
    const t = await startTestApp({ REDIS_URL: undefined });
    try {
      const database = new URL(t.config.databaseUrl as string).pathname.slice(1);
      await t.app.close();
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        // A backend whose client has just hung up may be listed for a moment longer.
        let open: string[] = [];
        for (let polls = 0; polls < 30; polls += 1) {
          const { rows } = await admin.query<{ application_name: string }>(
            'SELECT application_name FROM pg_stat_activity WHERE datname = $1',
            [database],
          );
          open = rows.map((row) => row.application_name);
          if (open.length === 0) break;
          await sleep(100);
        }
        expect(open).toEqual([]);
      } finally {
        await admin.end();
      }
    } finally {
      await t.close();
    }
  });
});
