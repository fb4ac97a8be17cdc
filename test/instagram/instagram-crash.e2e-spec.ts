import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { InstagramBrowser } from '@app/platform-adapters';
import { startSandbox } from '../../apps/platform-sandbox/src';
import type { AccountSpec, RunningSandbox } from '../../apps/platform-sandbox/src';
import { withArchive } from '../support/archive';
import { completed, finished, startExport, waitFor } from '../support/export-client';
import { duplicates, sorted } from '../support/ids';
import { sleep } from '../support/pacing';
import { serialiseServerMode } from '../support/server-mode';
import { ServiceFleet } from '../support/service-fleet';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { connectInstagram, instagramEnv, instagramIds, siteRequests } from './instagram-support';

/** The Chromium processes a service process started. */
function chromiumChildren(parent: number | undefined): number[] {
  const found = spawnSync('pgrep', ['-P', String(parent), 'chromium'], { encoding: 'utf8' }).stdout;
  return found.split('\n').filter((line) => line !== '').map(Number);
}

/** Whether a process still runs: gone, or a zombie nobody reaped, is not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A feed page as the site was asked for it: the path and its `max_id`. */
const pageKey = (entry: { path: string; query: Record<string, string> }): string => `${entry.path}?max_id=${entry.query.max_id ?? ''}`;

/**
 * An Instagram export outlives what can kill it: the worker process (a new one resumes from the
 * checkpointed site cursor, asking again for at most the page in flight) and the Chromium it drives (a
 * new browser is started and the export goes on).
 */
describe('Instagram export after a crash', () => {
  let sandbox: RunningSandbox;
  let release: () => void;
  const big: AccountSpec = { key: 'big', hostileText: false, instagram: { posts: 120, saved: 0, stories: 0, highlights: 0 } };
  let expected: Awaited<ReturnType<typeof instagramIds>>;

  beforeAll(async () => {
    release = await serialiseServerMode();
    sandbox = await startSandbox({ port: 0, accounts: [big] });
    expected = await instagramIds(sandbox, big);
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    release?.();
  });

  it('survives Chromium dying mid-export: a new browser is started and every post arrives once', async () => {
    const t: TestApp = await startTestApp(instagramEnv(sandbox));
    try {
      const user = await connectInstagram(t, big);
      const since = sandbox.admin.log().lastSeq;
      sandbox.admin.addLatency({ ms: 300, match: { path: '/instagram/api/v1/feed/user/*' } });
      const id = await startExport(t, user, { format: 'json', options: { collections: ['posts'] } });
      const browser = t.app.get(InstagramBrowser);
      while (siteRequests(sandbox, 'big', since).filter((entry) => entry.api === 'instagram.feed.user').length < 3) await sleep(100);
      (await browser.process())?.kill('SIGKILL');
      const done = await completed(t, user, id, 120_000);
      expect(done.status).toBe('completed');
      await withArchive(t, user, id, (archive) => {
        const ids = archive.json<{ id: string }[]>('posts.json').map((post) => post.id);
        expect(duplicates(ids)).toEqual([]);
        expect(sorted(ids)).toEqual(sorted(expected.posts));
      });
      // The new browser opened the site again before going on.
      expect(siteRequests(sandbox, 'big', since).filter((entry) => entry.api === 'instagram.page.home').length).toBeGreaterThanOrEqual(2);
    } finally {
      sandbox.admin.clearLatency();
      await t.close();
    }
  }, 180_000);

  it('resumes after the worker is killed, asking again for at most the page in flight', async () => {
    const fleet = await ServiceFleet.start({ env: instagramEnv(sandbox), dataDirPrefix: 'se-ig-crash-' });
    try {
      const user = await connectInstagram(fleet.api, big);
      const since = sandbox.admin.log().lastSeq;
      sandbox.admin.addLatency({ ms: 400, match: { path: '/instagram/api/v1/feed/user/*' } });
      const id = await startExport(fleet.api, user, { format: 'json', options: { collections: ['posts'] } });
      const state = await waitFor(fleet.api, user, id, (current) => finished(current) || current.processedItems >= 30, { timeoutMs: 120_000 });
      const browsers = chromiumChildren(fleet.worker.child.pid);
      expect(browsers.length).toBeGreaterThan(0);
      await fleet.worker.kill('SIGKILL');
      // Its Chromium goes with it (it is driven over a pipe the dead worker no longer holds open).
      for (let waited = 0; browsers.some(running) && waited < 15_000; waited += 100) await sleep(100);
      expect(browsers.filter(running)).toEqual([]);
      expect(state.status).toBe('processing');
      sandbox.admin.clearLatency();
      const worker = await fleet.replaceWorker();
      const done = await completed(fleet.api, user, id, 120_000).catch((error: Error) => {
        throw new Error(`${error.message}\n--- the new worker's output ---\n${worker.log}`);
      });
      expect(done).toMatchObject({ status: 'completed', processedItems: expected.posts.length });
      await withArchive(fleet.api, user, id, (archive) => {
        const ids = archive.json<{ id: string }[]>('posts.json').map((post) => post.id);
        expect(duplicates(ids)).toEqual([]);
        expect(sorted(ids)).toEqual(sorted(expected.posts));
      });
      const served = new Map<string, number>();
      for (const entry of siteRequests(sandbox, 'big', since)) {
        if (entry.status === 200 && entry.api === 'instagram.feed.user') served.set(pageKey(entry), (served.get(pageKey(entry)) ?? 0) + 1);
      }
      const again = [...served].filter(([, times]) => times > 1);
      expect(again.length).toBeLessThanOrEqual(1);
      expect(again.every(([, times]) => times === 2)).toBe(true);
      // The export's start read whose session it is (home page, then users.info); the new worker only
      // opens the home page again for the viewer's id: every request is a paced one.
      expect(siteRequests(sandbox, 'big', since).filter((entry) => entry.api === 'instagram.users.info')).toHaveLength(1);
    } finally {
      sandbox.admin.clearLatency();
      await fleet.close();
    }
  }, 400_000);
});
