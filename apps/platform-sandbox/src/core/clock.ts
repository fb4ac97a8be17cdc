/**
 * The sandbox's idea of "now". Tests move it (to the next Pacific day, past a token's expiry)
 * instead of waiting; latency and slow bodies still use real timers.
 */
export interface ClockSnapshot {
  now: string;
  offsetMs: number;
  frozen: boolean;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Jumps to an instant; time keeps running from there unless the clock is frozen. */
  set(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt = ms;
    else this.offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  freeze(): void {
    this.frozenAt ??= this.now();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = null;
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  snapshot(): ClockSnapshot {
    const now = this.now();
    return { now: new Date(now).toISOString(), offsetMs: now - Date.now(), frozen: this.frozenAt !== null };
  }
}
