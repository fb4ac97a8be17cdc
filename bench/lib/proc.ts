import { readFileSync, writeFileSync } from 'node:fs';

/** Memory of another process, from /proc (Linux). */

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const rssBytes = (pid: number): number | undefined => statusField(pid, 'VmRSS');

/** Peak resident set size since start or since the last resetPeakRss. */
export const peakRssBytes = (pid: number): number | undefined => statusField(pid, 'VmHWM');

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS every `intervalMs` until stopped; the kernel's VmHWM catches what sampling misses. */
export class RssSampler {
  private maxBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  get max(): number {
    return this.maxBytes;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.maxBytes;
  }

  private sample(): void {
    const rss = rssBytes(this.pid);
    if (rss !== undefined && rss > this.maxBytes) this.maxBytes = rss;
  }
}

/**
 * The peak RSS of a process over a stretch of work: VmHWM reset when the watch starts, with the 50 ms
 * samples as a floor, and as the whole answer where the kernel does not allow the reset.
 */
export class PeakRssWatch {
  readonly startRssBytes: number;
  readonly method: 'VmHWM' | 'sampled';
  private readonly sampler: RssSampler;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.startRssBytes = rssBytes(pid) ?? 0;
    this.method = resetPeakRss(pid) ? 'VmHWM' : 'sampled';
    this.sampler = new RssSampler(pid, intervalMs);
  }

  stop(): { peakRssBytes: number; sampledPeakRssBytes: number } {
    const sampled = this.sampler.stop();
    const peak = this.method === 'VmHWM' ? Math.max(peakRssBytes(this.pid) ?? 0, sampled) : sampled;
    return { peakRssBytes: peak, sampledPeakRssBytes: sampled };
  }
}
