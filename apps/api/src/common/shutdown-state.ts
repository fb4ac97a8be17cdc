import { Injectable } from '@nestjs/common';

/**
 * Whether this process is draining after SIGTERM. Shared by the worker (which starts the drain and
 * takes no new job from then on) and the health check (which answers 503 "shutting down" while the
 * running exports checkpoint), whatever order Nest runs their shutdown hooks in.
 */
@Injectable()
export class ShutdownState {
  private drainingSince: Date | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  begin(): void {
    this.drainingSince ??= new Date();
  }
}
