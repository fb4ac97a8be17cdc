import { Injectable } from '@nestjs/common';

/** Why a running export's signal was aborted. */
export type StopReason = 'cancelled' | 'shutdown';

export class ExportStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`Export stopped: ${reason}`);
    this.name = 'ExportStopped';
  }
}

/** The exports this process is running, so a cancel request or a shutdown can stop them between calls. */
@Injectable()
export class RunningExports {
  private readonly running = new Map<string, AbortController>();

  start(exportId: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(exportId, controller);
    return controller.signal;
  }

  finish(exportId: string): void {
    this.running.delete(exportId);
  }

  stop(exportId: string, reason: StopReason): void {
    this.running.get(exportId)?.abort(new ExportStopped(reason));
  }

  stopAll(reason: StopReason): void {
    for (const controller of this.running.values()) controller.abort(new ExportStopped(reason));
  }

  get size(): number {
    return this.running.size;
  }
}
