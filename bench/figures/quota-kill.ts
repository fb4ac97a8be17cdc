import { ExportEvents } from '../lib/api';
import type { BenchContext } from '../lib/context';
import { bootService, restartService } from '../lib/context';
import { connectedUser } from '../lib/export-run';
import { accountKey, lastSeq, minimumUnits, requestsSince, unitsSpent } from '../lib/sandbox';

export interface KillResult {
  items: number;
  processedAtKill: number;
  minimumUnits: number;
  units: number;
  /** minimum ÷ counted. */
  quotaEfficiency: number;
  /** playlistItems pages asked for more than once. */
  pagesRequestedAgain: number;
  /** From the restarted service answering HTTP to the export moving again (BullMQ stalled-job recovery). */
  resumeMs: number;
  restartBootMs: number;
  totalMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Figure 4, crash variant: kill -9 the service once the export is half done, start it again on the
 * same DATA_DIR and port (and, in server mode, the same database and Redis: the one all-role process
 * of a single-instance deployment), let BullMQ's stalled-job check hand the job to the new worker
 * (its lock lasts 15 s), and count what the sandbox billed against the minimum.
 */
export async function quotaKillFigure(ctx: BenchContext, items: number): Promise<KillResult> {
  let running = await bootService(ctx, 'kill');
  const account = accountKey(items);
  try {
    // Units from before the connect: its channels.list is the one the export then reuses.
    const units = unitsSpent(ctx.sandbox, account);
    const user = await connectedUser(ctx, running.api, items);
    const events = await ExportEvents.open(running.service.url, user.token);
    const seq = lastSeq(ctx.sandbox);
    const started = Date.now();
    const jobId = await running.api.startExport(user, { platform: 'youtube', format: 'json', options: { collections: ['videos'] } });
    let processedAtKill = 0;
    const killDeadline = Date.now() + 300_000;
    for (;;) {
      const latest = events.progressOf(jobId).at(-1);
      if (latest && latest.processedItems >= items / 2) {
        processedAtKill = latest.processedItems;
        break;
      }
      if (Date.now() > killDeadline) throw new Error('the export never reached half way');
      await sleep(10);
    }
    await running.service.kill();
    events.close();
    ctx.log(`  killed the service (kill -9) at ${processedAtKill} of ${items} items`);

    running = await restartService(ctx, running);
    const restarted = Date.now();
    const atRestart = (await running.api.exportState(user, jobId)).processedItems;
    let resumedAt: number | undefined;
    let state = await running.api.exportState(user, jobId);
    const deadline = Date.now() + 300_000;
    while (!['completed', 'failed', 'cancelled'].includes(state.status)) {
      if (resumedAt === undefined && state.processedItems > atRestart) resumedAt = Date.now();
      if (Date.now() > deadline) throw new Error(`export ${jobId} did not finish after the restart: ${JSON.stringify(state)}`);
      await sleep(250);
      state = await running.api.exportState(user, jobId);
    }
    resumedAt ??= Date.now();
    if (state.status !== 'completed' || state.processedItems !== items) {
      throw new Error(`export after the crash: ${state.status}, ${state.processedItems} items (${JSON.stringify(state.error)})`);
    }
    const spent = unitsSpent(ctx.sandbox, account) - units;
    const seen = new Set<string>();
    let again = 0;
    for (const request of requestsSince(ctx.sandbox, seq, account)) {
      if (request.api !== 'youtube.playlistItems.list') continue;
      const key = request.pageToken ?? '(first)';
      if (seen.has(key)) again += 1;
      seen.add(key);
    }
    const result: KillResult = {
      items,
      processedAtKill,
      minimumUnits: minimumUnits(items),
      units: spent,
      quotaEfficiency: minimumUnits(items) / spent,
      pagesRequestedAgain: again,
      resumeMs: resumedAt - restarted,
      restartBootMs: running.bootMs,
      totalMs: Date.now() - started,
    };
    ctx.log(`  finished after the restart: ${spent} units for a minimum of ${result.minimumUnits}; resumed ${(result.resumeMs / 1000).toFixed(1)} s after the restart`);
    return result;
  } finally {
    await running.service.stop();
  }
}
