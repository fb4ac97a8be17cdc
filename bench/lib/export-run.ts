import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { BaselineJob, BaselineReply } from '../contenders/baseline-export';
import { ApiClient, BenchUser, ExportEvents, ExportState, ProgressEvent } from './api';
import type { PinnedChild } from './child';
import type { BenchContext, RunningService } from './context';
import { accountKey, ensureAccount, lastSeq, minimumUnits, requestsSince, unitsSpent } from './sandbox';

export type Format = 'json' | 'csv';

export interface ServiceRun {
  jobId: string;
  items: number;
  ms: number;
  itemsPerSecond: number;
  units: number;
  quotaEfficiency: number;
  firstProgressMs: number;
  /** Per page: from the sandbox answering its videos.list to the first progress event that counts it. */
  pageEventLatencyMs: number[];
  archiveBytes: number | null;
  /** The final state was seen by polling because the socket event did not come. */
  viaPoll: boolean;
}

export interface BaselineRun {
  items: number;
  ms: number;
  itemsPerSecond: number;
  units: number;
  firstPageMs: number;
  archiveBytes: number;
}

/** A new user whose YouTube is connected to the sandbox account with `videos` uploads. */
export async function connectedUser(ctx: BenchContext, api: ApiClient, videos: number): Promise<BenchUser> {
  ensureAccount(ctx.sandbox, videos);
  const user = await api.register(`v${videos}`);
  await api.connectYouTube(user, ctx.sandbox.admin.issueTokens({ account: accountKey(videos) }));
  return user;
}

const TERMINAL = ['completed', 'failed', 'cancelled'];

/** The export's end as the socket reports it (polling as a fallback, every few seconds). */
export async function awaitExport(
  api: ApiClient,
  events: ExportEvents,
  user: BenchUser,
  jobId: string,
  timeoutMs: number,
): Promise<{ at: number; state: ExportState; viaPoll: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const final = await events.final(jobId, 3_000);
    if (final) return { at: final.at, state: await api.exportState(user, jobId), viaPoll: false };
    const state = await api.exportState(user, jobId);
    if (TERMINAL.includes(state.status)) {
      const late = await events.final(jobId, 1_000);
      return { at: late?.at ?? Date.now(), state, viaPoll: !late };
    }
    if (Date.now() > deadline) throw new Error(`export ${jobId} did not finish within ${timeoutMs} ms: ${JSON.stringify(state)}`);
  }
}

/**
 * Per page k of a videos-only export (50 uploads a page): the time from the sandbox answering its
 * videos.list (the last request of the page) to the arrival of the first progress event whose
 * processedItems includes it. Includes parsing, the spool write and fsync, the checkpoint
 * transaction, the 250 ms progress throttle and socket.io delivery.
 */
export function pageEventLatencies(pageTimes: number[], events: ProgressEvent[], items: number): number[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const latencies: number[] = [];
  let next = 0;
  pageTimes.forEach((servedAt, index) => {
    const cumulative = Math.min(items, 50 * (index + 1));
    // Pages and events both move forward in time and count, so one pass over the events serves all pages.
    while (next < sorted.length && (sorted[next].processedItems < cumulative || sorted[next].at < servedAt)) next += 1;
    if (next < sorted.length) latencies.push(sorted[next].at - servedAt);
  });
  return latencies;
}

export interface ServiceExportOptions {
  videos: number;
  format: Format;
  timeoutMs: number;
  /** Called once the user is connected, before anything is measured (fixtures). */
  beforeStart?: (user: BenchUser) => Promise<void>;
  /** Called right before the start request is sent (memory sampling). */
  onStart?: () => void;
}

/** One full export through the service: HTTP start, queue, pipeline, ZIP; timed to export:complete. */
export async function serviceExport(ctx: BenchContext, running: RunningService, options: ServiceExportOptions): Promise<ServiceRun> {
  const { api } = running;
  const account = accountKey(options.videos);
  // Units from before the connect: its channels.list is the one the export then reuses.
  const units = unitsSpent(ctx.sandbox, account);
  const user = await connectedUser(ctx, api, options.videos);
  await options.beforeStart?.(user);
  const events = await ExportEvents.open(running.service.url, user.token);
  try {
    const seq = lastSeq(ctx.sandbox);
    const started = Date.now();
    options.onStart?.();
    const jobId = await api.startExport(user, { platform: 'youtube', format: options.format, options: { collections: ['videos'] } });
    const end = await awaitExport(api, events, user, jobId, options.timeoutMs);
    if (end.state.status !== 'completed') throw new Error(`export ${jobId} ${end.state.status}: ${JSON.stringify(end.state.error)}`);
    if (end.state.processedItems !== options.videos) {
      throw new Error(`export ${jobId} has ${end.state.processedItems} items, expected ${options.videos}`);
    }
    const ms = end.at - started;
    const spent = unitsSpent(ctx.sandbox, account) - units;
    const progress = events.progressOf(jobId);
    const pages = requestsSince(ctx.sandbox, seq, account).filter((request) => request.api === 'youtube.videos.list' && request.status === 200);
    const fileSize = typeof end.state.fileSize === 'number' ? end.state.fileSize : null;
    return {
      jobId,
      items: end.state.processedItems,
      ms,
      itemsPerSecond: (end.state.processedItems / ms) * 1000,
      units: spent,
      quotaEfficiency: minimumUnits(options.videos) / spent,
      firstProgressMs: progress.length > 0 ? progress[0].at - started : Number.NaN,
      pageEventLatencyMs: pageEventLatencies(
        pages.map((page) => page.at),
        progress,
        options.videos,
      ),
      archiveBytes: fileSize,
      viaPoll: end.viaPoll,
    };
  } finally {
    events.close();
  }
}

/** One run of the minimal script (a warm child process), timed from the order to its answer. */
export async function baselineExport(
  ctx: BenchContext,
  baseline: PinnedChild<BaselineReply>,
  options: { videos: number; format: Format; timeoutMs: number },
): Promise<BaselineRun> {
  const account = accountKey(options.videos);
  ensureAccount(ctx.sandbox, options.videos);
  const token = ctx.sandbox.admin.issueTokens({ account, offline: false }).access_token;
  const outPath = join(ctx.workDir, `baseline-${options.videos}-${options.format}.zip`);
  const units = unitsSpent(ctx.sandbox, account);
  const job: BaselineJob = { type: 'run', apiUrl: ctx.sandbox.env.YOUTUBE_API_URL, token, format: options.format, outPath };
  const started = Date.now();
  baseline.send(job);
  const reply = await baseline.next(options.timeoutMs);
  const ms = Date.now() - started;
  rmSync(outPath, { force: true });
  if (reply.type !== 'done') throw new Error(`baseline export failed: ${reply.type === 'error' ? reply.message : reply.type}`);
  if (reply.items !== options.videos) throw new Error(`baseline exported ${reply.items} items, expected ${options.videos}`);
  return {
    items: reply.items,
    ms,
    itemsPerSecond: (reply.items / ms) * 1000,
    units: unitsSpent(ctx.sandbox, account) - units,
    firstPageMs: reply.firstPageMs,
    archiveBytes: reply.bytes,
  };
}
