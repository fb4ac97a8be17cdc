import { join } from 'node:path';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { completed, exportState, startExport, waitFor } from '../support/export-client';
import { sleep } from '../support/pacing';
import { ServiceFleet } from '../support/service-fleet';
import { partFiles } from '../support/service-process';
import { serialiseServerMode } from '../support/server-mode';
import { AccountIds, connectYouTube, expectJsonArchiveHolds, freshAccount } from '../youtube/youtube-support';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * SIGTERM in the middle of an export, to the compiled service in a process of its own. The process
 * stops taking jobs, answers health with 503 "shutting down" while the running export finishes its
 * page and checkpoints, hands the job back without spending an attempt and exits 0 within
 * SHUTDOWN_TIMEOUT_MS. The next process completes the export with every item exactly once.
 * Embedded mode restarts the one process on the same DATA_DIR; server mode replaces only the worker.
 */
describe('SIGTERM during an export', () => {
  let sandbox: RunningSandbox;
  let release: () => void;
  let account: AccountIds;
  let fleet: ServiceFleet;

  beforeAll(async () => {
    release = await serialiseServerMode();
    sandbox = await startSandbox({ port: 0 });
    account = await freshAccount(sandbox, {
      key: 'sigterm',
      videos: 300,
      playlistSizes: [60, 0],
      likes: 0,
      subscriptions: 90,
      maxThreadsPerVideo: 1,
      maxRepliesPerThread: 3,
    });
    fleet = await ServiceFleet.start({
      env: { ...sandbox.env, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
      dataDirPrefix: 'se-sigterm-',
    });
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    release?.();
  });

  it('drains, hands the export back unharmed, exits 0, and the next worker completes it exactly once', async () => {
    const { api, worker } = fleet;
    const user = await connectYouTube(api, sandbox, 'sigterm');
    sandbox.admin.addLatency({ ms: 100, match: { account: 'sigterm', path: '/youtube/v3/*' } });
    const id = await startExport(api, user, { format: 'json' });
    const mid = await waitFor(api, user, id, (state) => state.status === 'completed' || state.progress >= 15, { timeoutMs: 120_000 });
    // The SIGTERM must meet a running export, or there is nothing to drain.
    expect(mid.status).toBe('processing');

    // Slow pages from here on, so the drain (the page in flight finishing) lasts long enough to be seen.
    sandbox.admin.clearLatency();
    sandbox.admin.addLatency({ ms: 1_000, match: { account: 'sigterm', path: '/youtube/v3/*' } });
    await sleep(1_200);
    const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
    worker.child.kill('SIGTERM');
    const healthDuringDrain: { status: number; error?: string }[] = [];
    for (let gone = false; !gone; ) {
      const res = await request(worker.url)
        .get('/api/health')
        .catch(() => undefined);
      if (res) healthDuringDrain.push({ status: res.status, error: (res.body as { error?: string }).error });
      gone = !res || worker.child.exitCode !== null;
      await sleep(250);
    }
    expect(await exited).toBe(0);
    expect(healthDuringDrain).toContainEqual({ status: 503, error: 'Service is shutting down' });
    expect(healthDuringDrain.map((entry) => entry.status)).not.toContain(200);
    expect(worker.log).toContain('stop after their current page');
    expect(worker.log).toContain('every running export checkpointed and went back to the queue');
    expect(worker.log).not.toMatch(/will retry|failed for good|Driver not Connected/);

    sandbox.admin.clearLatency();
    if (fleet.split) {
      // The API stayed up: the export is waiting for a worker, not failed.
      const parked = await exportState(api, user, id);
      expect(parked).toMatchObject({ status: 'processing', waitReason: 'restarting', error: null });
    }
    await fleet.replaceWorker();
    const done = await completed(fleet.api, user, id, 180_000);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    await expectJsonArchiveHolds(fleet.api, user, id, account);
    expect(partFiles(join(fleet.dataDir, 'exports'))).toEqual([]);
  }, 400_000);
});
