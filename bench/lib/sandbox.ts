import { startSandbox } from '../../apps/platform-sandbox/src';
import type { AccountSpec, RunningSandbox } from '../../apps/platform-sandbox/src';

export type { RunningSandbox };

/** The sandbox account holding exactly `videos` uploads. */
export const accountKey = (videos: number): string => `v${videos}`;

/** Only uploads: the export benchmarks pull the videos collection. */
const accountSpec = (videos: number): AccountSpec => ({
  key: accountKey(videos),
  videos,
  playlists: 0,
  likes: 0,
  subscriptions: 0,
  maxThreadsPerVideo: 0,
});

const created = new WeakMap<RunningSandbox, Set<number>>();

/** Adds the account of that size unless this run already has it. */
export function ensureAccount(sandbox: RunningSandbox, videos: number): void {
  const sizes = created.get(sandbox) ?? new Set<number>();
  created.set(sandbox, sizes);
  if (sizes.has(videos)) return;
  sandbox.admin.createAccount(accountSpec(videos));
  sizes.add(videos);
}

/**
 * One in-process sandbox for the whole run: one synthetic channel per export size (the content is
 * generated on demand, so a million videos cost no memory up front), a quota no export can exhaust,
 * and a request log long enough to time every page of the exports whose progress events are timed.
 */
export async function startBenchSandbox(sizes: number[]): Promise<RunningSandbox> {
  const unique = [...new Set(sizes)];
  const sandbox = await startSandbox({
    port: 0,
    accounts: unique.map(accountSpec),
    quota: { dailyLimit: 1_000_000_000 },
    accessTokenTtlSeconds: 6 * 3600,
    logCapacity: 60_000,
  });
  created.set(sandbox, new Set(unique));
  return sandbox;
}

/** Units the account has spent since the sandbox started, summed over Pacific days. */
export function unitsSpent(sandbox: RunningSandbox, account: string): number {
  const days = sandbox.admin.log({ limit: 1 }).units[account] ?? {};
  return Object.values(days).reduce((sum, units) => sum + units, 0);
}

export function lastSeq(sandbox: RunningSandbox): number {
  return sandbox.admin.log({ limit: 1 }).lastSeq;
}

/** Every platform request since `seq`, of one account. */
export function requestsSince(sandbox: RunningSandbox, seq: number, account: string): { at: number; api: string; pageToken: string | null; status: number }[] {
  return sandbox.admin.log({ since: seq, account }).entries.map((entry) => ({
    at: Date.parse(entry.at),
    api: entry.api,
    pageToken: entry.query.pageToken ?? null,
    status: entry.status,
  }));
}

/** Sets the added latency of every YouTube Data API request (each request returns one page). */
export function setPageLatency(sandbox: RunningSandbox, ms: number): void {
  sandbox.admin.clearLatency();
  if (ms > 0) sandbox.admin.addLatency({ ms, match: { path: '/youtube/v3/*' } });
}

/** The theoretical minimum for a videos-only export of N uploads: 1 channels.list + 2 per page of 50. */
export const minimumUnits = (videos: number): number => 1 + 2 * Math.max(1, Math.ceil(videos / 50));
