import type { ExportCheckpoint } from '../export-job.entity';

/** How far a collection's items and media spools went at a checkpoint (what an archive reads as it goes). */
export type SpoolLengths = Pick<ExportCheckpoint, 'itemsBytes' | 'mediaBytes'>;

/** One step of a collection: its spools hold new lines from `from` to `to`'s lengths. */
export interface CollectionStep {
  from: SpoolLengths;
  to: ExportCheckpoint;
}

/**
 * A run's checkpoints as the pipeline saves them, so an archive can be written while pages are still
 * collected: a reader of a collection gets the spools' new lines each time a checkpoint has made
 * them durable, and ends with the checkpoint that marks the collection done. A collection shows here
 * only once its spools are this run's to read (finished by an earlier run, or adopted by this one).
 * When the run fails, every reader fails with it.
 */
export class CheckpointFeed {
  private readonly latest = new Map<string, ExportCheckpoint>();
  private failure?: Error;
  private wake?: () => void;
  private changed = this.nextChange();

  publish(checkpoint: ExportCheckpoint): void {
    this.latest.set(checkpoint.collection, { ...checkpoint });
    this.notify();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  /** The collection's steps, in order, the last one done. */
  async *steps(collection: string): AsyncGenerator<CollectionStep> {
    let from: SpoolLengths = { itemsBytes: 0, mediaBytes: 0 };
    for (;;) {
      const to = await this.past(collection, from);
      yield { from, to };
      if (to.done) return;
      from = to;
    }
  }

  /** The collection's latest checkpoint, once it is done or its items or media have gone past `from`. */
  private async past(collection: string, from: SpoolLengths): Promise<ExportCheckpoint> {
    for (;;) {
      if (this.failure) throw this.failure;
      const checkpoint = this.latest.get(collection);
      const moved = checkpoint && (checkpoint.itemsBytes > from.itemsBytes || checkpoint.mediaBytes > from.mediaBytes);
      if (checkpoint && (checkpoint.done || moved)) return checkpoint;
      await this.changed;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.nextChange();
    wake?.();
  }

  private nextChange(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }
}
