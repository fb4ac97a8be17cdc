import { setMaxListeners } from 'node:events';
import { Injectable } from '@nestjs/common';

const SIGNAL_LISTENERS = 50;

/** Why a running export's signal was aborted. */
export type StopReason = 'cancelled' | 'shutdown';

export class ExportStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`Export stopped: ${reason}`);
    this.name = 'ExportStopped';
  }
}

interface Running {
  controller: AbortController;
  stopAfterPage?: StopReason;
}

/**
 * The exports this process is running. A cancel stops one at once (its platform calls are aborted);
 * a shutdown lets each finish the page in flight and checkpoint it first, and aborts only what is
 * still running after a grace period.
 */
@Injectable()
export class RunningExports {
  private readonly running = new Map<string, Running>();

  start(exportId: string): AbortSignal {
    const controller = new AbortController();
    // Every call of the export listens to this signal: a page read ahead while one is written and
    // media downloads four at a time can hold more than Node's default of 10 listeners, with no leak.
    setMaxListeners(SIGNAL_LISTENERS, controller.signal);
    this.running.set(exportId, { controller });
    return controller.signal;
  }

  finish(exportId: string): void {
    this.running.delete(exportId);
  }

  stop(exportId: string, reason: StopReason): void {
    this.running.get(exportId)?.controller.abort(new ExportStopped(reason));
  }

  /** Asked by the pipeline between pages: the error to stop with, once its pages are checkpointed. */
  stopRequest(exportId: string): ExportStopped | undefined {
    const reason = this.running.get(exportId)?.stopAfterPage;
    return reason ? new ExportStopped(reason) : undefined;
  }

  get count(): number {
    return this.running.size;
  }

  /** Every running export stops after its page in flight; what still runs after `graceMs` is cut. */
  stopAllAfterPage(reason: StopReason, graceMs: number): void {
    for (const running of this.running.values()) running.stopAfterPage = reason;
    const runningNow = [...this.running.values()];
    setTimeout(() => runningNow.forEach((running) => running.controller.abort(new ExportStopped(reason))), graceMs).unref();
  }

  /** Resolves once nothing runs here any more, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    for (let waited = 0; this.running.size > 0 && waited < timeoutMs; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
