import type { BenchContext } from '../lib/context';
import { bootService } from '../lib/context';
import { withDatabase, creditYouTubeQuota } from '../lib/db';
import { serviceExport } from '../lib/export-run';
import { PeakRssWatch } from '../lib/proc';
import { minimumUnits } from '../lib/sandbox';
import { ratio } from '../lib/stats';
import { exportTimeoutMs } from './throughput';

export interface MemoryRun {
  items: number;
  /** RSS just before the export started. */
  startRssBytes: number;
  /** Peak RSS during the export: VmHWM reset at the start, else the highest 50 ms sample. */
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  ms: number;
  itemsPerSecond: number;
  /** Platform units the sandbox counted for this export. */
  units: number;
  quotaCredited: number;
}

export interface MemoryResult {
  method: 'VmHWM' | 'sampled';
  /** RSS of the freshly started service on an empty DATA_DIR, before any request: a new install at rest. */
  idleRssBytes: number;
  small: MemoryRun;
  big: MemoryRun;
  /** peak(big) ÷ peak(small). */
  ratio: number;
  /** (peak(big) − peak(small)) ÷ (big − small items). */
  bytesPerItem: number;
}

/** The service's own ledger allows 10,000 YouTube units per user per day (Google's default). */
const SERVICE_DAILY_UNITS = 10_000;

/** Long enough for the start-up's garbage (migrations, the queue's scripts) to be collected. */
const IDLE_SETTLE_MS = 5_000;

/**
 * Figure 2: idle RSS of a new install, then peak RSS of one fresh service process during a small export, then during a big one,
 * after one unmeasured small export.
 * The kernel's high-water mark (VmHWM) is reset right before each export starts.
 */
export async function memoryFigure(ctx: BenchContext, small: number, big: number): Promise<MemoryResult> {
  const running = await bootService(ctx, 'memory');
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  const idleRssBytes = running.service.rss() ?? 0;
  ctx.log(`  idle after start: RSS ${(idleRssBytes / 2 ** 20).toFixed(0)} MiB`);
  let method: MemoryResult['method'] = 'VmHWM';
  try {
    const measure = async (items: number): Promise<MemoryRun> => {
      const needed = minimumUnits(items) + 10;
      let credited = 0;
      let watch: PeakRssWatch | undefined;
      const run = await serviceExport(ctx, running, {
        videos: items,
        format: 'json',
        timeoutMs: exportTimeoutMs(items, 0),
        beforeStart: async (user) => {
          if (needed > SERVICE_DAILY_UNITS - 10) {
            credited = needed;
            await withDatabase(running.database, (client) => creditYouTubeQuota(client, user.id, needed));
          }
        },
        onStart: () => {
          watch = new PeakRssWatch(running.service.pid, 50);
          if (watch.method === 'sampled') method = 'sampled';
        },
      });
      const startRss = watch?.startRssBytes ?? 0;
      const { peakRssBytes: peak, sampledPeakRssBytes: sampled } = watch?.stop() ?? { peakRssBytes: 0, sampledPeakRssBytes: 0 };
      ctx.log(`  ${items} items: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (start ${(startRss / 2 ** 20).toFixed(0)} MiB), ${(run.ms / 1000).toFixed(1)} s`);
      return {
        items,
        startRssBytes: startRss,
        peakRssBytes: peak,
        sampledPeakRssBytes: sampled,
        ms: run.ms,
        itemsPerSecond: run.itemsPerSecond,
        units: run.units,
        quotaCredited: credited,
      };
    };
    // A fresh process gives back its start-up memory (the embedded PostgreSQL's, the migrations') only
    // once it has worked a little, and that would be the small run's peak: an unmeasured export first.
    ctx.log('  warm-up export:');
    await measure(small);
    const smallRun = await measure(small);
    const bigRun = await measure(big);
    return {
      method,
      idleRssBytes,
      small: smallRun,
      big: bigRun,
      ratio: ratio(bigRun.peakRssBytes, smallRun.peakRssBytes),
      bytesPerItem: (bigRun.peakRssBytes - smallRun.peakRssBytes) / (big - small),
    };
  } finally {
    await running.service.stop();
  }
}
