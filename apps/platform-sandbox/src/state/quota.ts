import type { QuotaSlot, QuotaWindow } from '../core/quota-window';

/**
 * Who a platform bills: each account (default: the same thing for a self-hosted single-user install,
 * and it lets tests with several accounts run independently) or the client app (Google bills the Cloud
 * project, Meta the app).
 */
export type QuotaScope = 'account' | 'client';

interface Bucket {
  /** Spends that may still count, by slot label. */
  slots: Map<string, QuotaSlot & { units: number }>;
  /** An explicit limit until the spending it was set against resets ("remaining quota", admin API). */
  override: { limit: number; until: number } | null;
  /** Units per slot label over the whole run. */
  history: Map<string, number>;
}

export interface QuotaStatus {
  bucket: string;
  /** The label of the slot `now` falls in: the Pacific day for YouTube. */
  day: string;
  window: string;
  limit: number;
  used: number;
  remaining: number;
  /** When what counts now stops counting. */
  resetsAt: string;
}

/** Units per bucket over a platform's QuotaWindow, with per-bucket limits and admin overrides. */
export class QuotaLedger {
  private readonly buckets_ = new Map<string, Bucket>();
  private readonly limits = new Map<string, number>();

  constructor(
    readonly window: QuotaWindow,
    public defaultLimit: number,
    public scope: QuotaScope,
  ) {}

  bucketFor(accountKey: string, clientId: string): string {
    return this.scope === 'client' ? `client:${clientId}` : accountKey;
  }

  setLimit(bucket: string, limit: number | null): void {
    if (limit === null) this.limits.delete(bucket);
    else this.limits.set(bucket, limit);
  }

  private bucket(name: string): Bucket {
    let bucket = this.buckets_.get(name);
    if (!bucket) {
      bucket = { slots: new Map(), override: null, history: new Map() };
      this.buckets_.set(name, bucket);
    }
    return bucket;
  }

  /** Units that count at `now`, and when the first of them stops counting. */
  private counted(bucket: Bucket, now: number): { used: number; resetsAt: number } {
    let used = 0;
    let resetsAt = Infinity;
    for (const [label, slot] of bucket.slots) {
      if (slot.countsUntil <= now) {
        bucket.slots.delete(label);
        continue;
      }
      used += slot.units;
      resetsAt = Math.min(resetsAt, slot.countsUntil);
    }
    return { used, resetsAt: resetsAt === Infinity ? this.window.slotOf(now).countsUntil : resetsAt };
  }

  private limitOf(name: string, bucket: Bucket, now: number): number {
    if (bucket.override && bucket.override.until <= now) bucket.override = null;
    return bucket.override?.limit ?? this.limits.get(name) ?? this.defaultLimit;
  }

  canSpend(name: string, units: number, now: number): boolean {
    const bucket = this.bucket(name);
    return this.counted(bucket, now).used + units <= this.limitOf(name, bucket, now);
  }

  spend(name: string, units: number, now: number): void {
    const bucket = this.bucket(name);
    const slot = this.window.slotOf(now);
    const held = bucket.slots.get(slot.label);
    if (held) held.units += units;
    else bucket.slots.set(slot.label, { ...slot, units });
    bucket.history.set(slot.label, (bucket.history.get(slot.label) ?? 0) + units);
  }

  /** Leaves exactly `remaining` units until what counts now resets (0 exhausts the quota). */
  setRemaining(name: string, remaining: number, now: number): void {
    const bucket = this.bucket(name);
    const { used, resetsAt } = this.counted(bucket, now);
    bucket.override = { limit: used + remaining, until: resetsAt };
  }

  /** Makes `used` units count now, in place of what counted. */
  setUsed(name: string, used: number, now: number): void {
    const bucket = this.bucket(name);
    this.counted(bucket, now);
    bucket.slots.clear();
    const slot = this.window.slotOf(now);
    bucket.slots.set(slot.label, { ...slot, units: used });
  }

  status(name: string, now: number): QuotaStatus {
    const bucket = this.bucket(name);
    const { used, resetsAt } = this.counted(bucket, now);
    const limit = this.limitOf(name, bucket, now);
    return {
      bucket: name,
      day: this.window.slotOf(now).label,
      window: this.window.name,
      limit,
      used,
      remaining: Math.max(0, limit - used),
      resetsAt: new Date(resetsAt).toISOString(),
    };
  }

  buckets(): string[] {
    return [...new Set([...this.buckets_.keys(), ...this.limits.keys()])];
  }

  /** Units spent per bucket per slot label (per Pacific day for YouTube), over the whole run. */
  spentByDay(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, bucket] of this.buckets_) if (bucket.history.size > 0) out[name] = Object.fromEntries(bucket.history);
    return out;
  }

  forget(name: string): void {
    this.buckets_.delete(name);
    this.limits.delete(name);
  }

  clear(): void {
    this.buckets_.clear();
    this.limits.clear();
  }
}
