import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { completed, exportState, startExport, waitFor } from '../support/export-client';
import { sleep } from '../support/pacing';
import { ServiceProcess, partFiles } from '../support/service-process';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';
import { serialiseServerMode } from '../support/server-mode';
import { AccountIds, connectYouTube, expectJsonArchiveHolds, freshAccount } from '../youtube/youtube-support';

const root = join(__dirname, '../..');
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
  const processes: ServiceProcess[] = [];
  const dataDir = tempDir('se-sigterm-');
  let scratch: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    release = await serialiseServerMode();
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
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
    scratch = serverMode() ? await createScratchDatabase() : undefined;
    if (scratch && process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
  }, 300_000);

  afterAll(async () => {
    for (const service of processes) await service.kill();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    await sandbox?.close();
    release?.();
  });

  const start = async (role: string, port?: number): Promise<ServiceProcess> => {
    const service = await ServiceProcess.start(
      {
        ...sandbox.env,
        TRUST_PROXY: '1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        APP_ROLE: role,
        ...(scratch ? { DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL } : {}),
      },
      port,
    );
    processes.push(service);
    return service;
  };

  it('drains, hands the export back unharmed, exits 0, and the next worker completes it exactly once', async () => {
    let api = await start(scratch ? 'api' : 'all');
    const worker = scratch ? await start('worker') : api;
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
    if (scratch) {
      // The API stayed up: the export is waiting for a worker, not failed.
      const parked = await exportState(api, user, id);
      expect(parked).toMatchObject({ status: 'processing', waitReason: 'restarting', error: null });
      await start('worker');
    } else {
      api = await start('all', api.port);
    }
    const done = await completed(api, user, id, 180_000);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    await expectJsonArchiveHolds(api, user, id, account);
    expect(partFiles(join(dataDir, 'exports'))).toEqual([]);
  }, 400_000);
});
