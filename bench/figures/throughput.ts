import { join } from 'node:path';
import type { BaselineReply } from '../contenders/baseline-export';
import { PinnedChild } from '../lib/child';
import type { BenchContext, RunningService } from '../lib/context';
import { BaselineRun, Format, ServiceRun, baselineExport, serviceExport } from '../lib/export-run';
import { setPageLatency } from '../lib/sandbox';
import { median, ratio } from '../lib/stats';

export interface ThroughputCell {
  items: number;
  latencyMs: number;
  format: Format;
  reps: number;
}

export interface ThroughputCellResult extends ThroughputCell {
  service: ServiceRun[];
  baseline: BaselineRun[];
  serviceItemsPerSecond: number;
  baselineItemsPerSecond: number;
  /** service ÷ minimal script, medians. */
  ratio: number;
}

/** Generous: a slow machine still finishes, a hung export still fails the run. */
export const exportTimeoutMs = (items: number, latencyMs: number): number => 120_000 + items * 10 + Math.ceil(items / 50) * 2 * latencyMs * 3;

/**
 * Figure 1: items per second of a full export through the service versus the minimal script, both
 * pinned to the same core, alternating A/B then B/A, after one warm-up export of each.
 */
export async function throughputFigure(
  ctx: BenchContext,
  running: RunningService,
  cells: ThroughputCell[],
  warmupItems: number,
  warmupFormats: readonly Format[] = ['json', 'csv'],
): Promise<ThroughputCellResult[]> {
  const baseline = PinnedChild.spawn<BaselineReply>(ctx.cpu, join(ctx.distDir, 'contenders/baseline-export.js'));
  try {
    const ready = await baseline.next(30_000);
    if (ready.type !== 'ready') throw new Error('the minimal export script did not start');
    setPageLatency(ctx.sandbox, 0);
    for (const format of warmupFormats) {
      ctx.log(`  warm-up: ${warmupItems} items ${format}, both contenders`);
      await serviceExport(ctx, running, { videos: warmupItems, format, timeoutMs: exportTimeoutMs(warmupItems, 0) });
      await baselineExport(ctx, baseline, { videos: warmupItems, format, timeoutMs: exportTimeoutMs(warmupItems, 0) });
    }

    const results: ThroughputCellResult[] = [];
    for (const cell of cells) {
      setPageLatency(ctx.sandbox, cell.latencyMs);
      const service: ServiceRun[] = [];
      const reference: BaselineRun[] = [];
      const timeoutMs = exportTimeoutMs(cell.items, cell.latencyMs);
      for (let rep = 0; rep < cell.reps; rep += 1) {
        const order = rep % 2 === 0 ? (['service', 'baseline'] as const) : (['baseline', 'service'] as const);
        for (const contender of order) {
          if (contender === 'service') {
            const run = await serviceExport(ctx, running, { videos: cell.items, format: cell.format, timeoutMs });
            service.push(run);
            ctx.log(`  ${label(cell)} rep ${rep + 1}: service ${run.itemsPerSecond.toFixed(0)} items/s (${(run.ms / 1000).toFixed(1)} s, ${run.units} units)`);
          } else {
            const run = await baselineExport(ctx, baseline, { videos: cell.items, format: cell.format, timeoutMs });
            reference.push(run);
            ctx.log(`  ${label(cell)} rep ${rep + 1}: minimal script ${run.itemsPerSecond.toFixed(0)} items/s (${(run.ms / 1000).toFixed(1)} s)`);
          }
        }
      }
      const serviceMedian = median(service.map((run) => run.itemsPerSecond));
      const baselineMedian = median(reference.map((run) => run.itemsPerSecond));
      results.push({
        ...cell,
        service,
        baseline: reference,
        serviceItemsPerSecond: serviceMedian,
        baselineItemsPerSecond: baselineMedian,
        ratio: ratio(serviceMedian, baselineMedian),
      });
    }
    setPageLatency(ctx.sandbox, 0);
    return results;
  } finally {
    await baseline.stop();
  }
}

const label = (cell: ThroughputCell): string => `${cell.items} items ${cell.format} at ${cell.latencyMs} ms/page`;
