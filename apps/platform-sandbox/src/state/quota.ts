import { nextPacificMidnight, pacificDay } from '../core/pacific';

/**
 * YouTube Data API quota: units per bucket per Pacific day. Google bills the Cloud project (the OAuth
 * client); the sandbox bills per account by default, which is the same thing for a self-hosted
 * single-user install and lets tests with several accounts run independently. `scope: 'client'`
 * switches to Google's per-project model.
 */
export type QuotaScope = 'account' | 'client';

interface Usage {
  day: string;
  used: number;
  /** An explicit limit for today only, set by the admin API ("remaining quota"). */
  todayLimit: number | null;
}

export interface QuotaStatus {
  bucket: string;
  day: string;
  limit: number;
  used: number;
  remaining: number;
  resetsAt: string;
}

export class QuotaLedger {
  private readonly usage = new Map<string, Usage>();
  private readonly limits = new Map<string, number>();
  private readonly history = new Map<string, Map<string, number>>();

  constructor(
    public dailyLimit: number,
    public scope: QuotaScope,
  ) {}

  bucketFor(accountKey: string, clientId: string): string {
    return this.scope === 'client' ? `client:${clientId}` : accountKey;
  }

  setLimit(bucket: string, limit: number | null): void {
    if (limit === null) this.limits.delete(bucket);
    else this.limits.set(bucket, limit);
  }

  private current(bucket: string, now: number): Usage {
    const day = pacificDay(now);
    let usage = this.usage.get(bucket);
    if (!usage || usage.day !== day) {
      usage = { day, used: 0, todayLimit: null };
      this.usage.set(bucket, usage);
    }
    return usage;
  }

  private limitOf(bucket: string, usage: Usage): number {
    return usage.todayLimit ?? this.limits.get(bucket) ?? this.dailyLimit;
  }

  canSpend(bucket: string, units: number, now: number): boolean {
    const usage = this.current(bucket, now);
    return usage.used + units <= this.limitOf(bucket, usage);
  }

  spend(bucket: string, units: number, now: number): void {
    const usage = this.current(bucket, now);
    usage.used += units;
    let days = this.history.get(bucket);
    if (!days) {
      days = new Map<string, number>();
      this.history.set(bucket, days);
    }
    days.set(usage.day, (days.get(usage.day) ?? 0) + units);
  }

  /** Leaves exactly `remaining` units for the rest of today (0 exhausts the quota). */
  setRemaining(bucket: string, remaining: number, now: number): void {
    const usage = this.current(bucket, now);
    usage.todayLimit = usage.used + remaining;
  }

  setUsed(bucket: string, used: number, now: number): void {
    this.current(bucket, now).used = used;
  }

  status(bucket: string, now: number): QuotaStatus {
    const usage = this.current(bucket, now);
    const limit = this.limitOf(bucket, usage);
    return {
      bucket,
      day: usage.day,
      limit,
      used: usage.used,
      remaining: Math.max(0, limit - usage.used),
      resetsAt: new Date(nextPacificMidnight(now)).toISOString(),
    };
  }

  buckets(): string[] {
    return [...new Set([...this.usage.keys(), ...this.limits.keys()])];
  }

  /** Units spent per bucket per Pacific day, over the whole run. */
  spentByDay(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [bucket, days] of this.history) out[bucket] = Object.fromEntries(days);
    return out;
  }

  forget(bucket: string): void {
    this.usage.delete(bucket);
    this.limits.delete(bucket);
    this.history.delete(bucket);
  }

  clear(): void {
    this.usage.clear();
    this.limits.clear();
    this.history.clear();
  }
}
