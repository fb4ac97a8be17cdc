import type { ExportErrorRecord } from '../pipeline/media-fetcher';

/** Past this many, collection-level messages are counted rather than each repeated in the manifest. */
const MAX_MESSAGES = 50;

/**
 * Counts what `errors.json` holds as it is written, so the manifest's warnings say in a few lines what
 * was skipped and why: a reader of the manifest should not have to open errors.json to learn of a gap.
 */
export class ErrorSummary {
  private readonly messages: string[] = [];
  private extraMessages = 0;
  private readonly counts = new Map<string, { items: number; media: number }>();

  add(record: ExportErrorRecord): void {
    if (record.url === undefined && record.itemId === undefined) {
      const message = `${record.collection}: ${record.reason}`;
      if (this.messages.includes(message)) return;
      if (this.messages.length < MAX_MESSAGES) this.messages.push(message);
      else this.extraMessages += 1;
      return;
    }
    const count = this.counts.get(record.collection) ?? { items: 0, media: 0 };
    if (record.url !== undefined) count.media += 1;
    else count.items += 1;
    this.counts.set(record.collection, count);
  }

  warnings(): string[] {
    const lines = [...this.messages];
    if (this.extraMessages > 0) lines.push(`${this.extraMessages} more messages like these are in errors.json`);
    for (const [collection, { items, media }] of this.counts) {
      if (items > 0) lines.push(`${collection}: ${plural(items, 'item')} could not be exported (see errors.json)`);
      if (media > 0) lines.push(`${collection}: ${plural(media, 'media file')} could not be downloaded (see errors.json)`);
    }
    return lines;
  }
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
