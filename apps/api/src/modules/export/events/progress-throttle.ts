import type { ExportProgressPayload } from '@app/contracts';

/** At most this often per export; a burst of fast pages becomes a few events a second. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Forwards progress at most every PROGRESS_INTERVAL_MS, always ending with the latest value: a
 * pending update is sent when its interval ends, and flush() sends it at once (before a final event).
 */
export class ProgressThrottle {
  private lastSent = 0;
  private pending?: ExportProgressPayload;
  private timer?: NodeJS.Timeout;

  constructor(private readonly send: (payload: ExportProgressPayload) => void) {}

  push(payload: ExportProgressPayload): void {
    this.pending = payload;
    const wait = this.lastSent + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const payload = this.pending;
    this.pending = undefined;
    this.lastSent = Date.now();
    this.send(payload);
  }
}
