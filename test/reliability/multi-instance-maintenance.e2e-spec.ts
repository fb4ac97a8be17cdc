import { ExportMaintenance } from '../../apps/api/src/modules/export/queue/export-maintenance';
import { MaintenanceLease } from '../../apps/api/src/modules/export/queue/maintenance-lease';
import { FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, serverMode } from '../support/test-app';
import { sharedDeployment } from '../export/export-support';

/**
 * Two instances of one deployment (one PostgreSQL, one Redis): the retention cleanup runs on one of
 * them per period, not on each.
 */
(serverMode() ? describe : describe.skip)('Maintenance across instances', () => {
  let deployment: Awaited<ReturnType<typeof sharedDeployment>>;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    deployment = await sharedDeployment([new FixtureAdapter()]);
    first = await deployment.start('all');
    second = await deployment.start('all');
  }, 120_000);
  afterAll(async () => {
    await deployment?.close();
  });

  it('runs the retention cleanup once per period for the whole deployment', async () => {
    // Both instances ran maintenance at boot; the first to claim the period's lease holds it now.
    const again = await Promise.all([first, second].map((t) => t.app.get(ExportMaintenance).retention()));
    expect(again).toEqual([null, null]);

    const claims = await Promise.all([first, second, first, second].map((t) => t.app.get(MaintenanceLease).claim('once-per-period', 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
