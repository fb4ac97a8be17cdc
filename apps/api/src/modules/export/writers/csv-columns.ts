import type { ExportItem, JsonObject } from '@app/platform-adapters';
import { flatten } from './flatten';
import { displayRecord } from './item-record';

/** Past this many distinct columns the rest of an item goes into one `_more` JSON cell. */
const MAX_CSV_COLUMNS = 400;

/** A CSV table's columns, in the order items first show them: `id`, then each flattened field. */
export class CsvColumns {
  readonly names = new Set<string>(['id']);
  /** More fields than MAX_CSV_COLUMNS: the table gets a `_more` column. */
  overflow = false;

  add(record: JsonObject): void {
    for (const key of flatten(record).keys()) {
      if (this.names.size < MAX_CSV_COLUMNS) this.names.add(key);
      else if (!this.names.has(key)) this.overflow = true;
    }
  }
}

/**
 * The columns of each collection, counted from the items as the pipeline writes them, so the table
 * is written in one pass over its spool instead of two. Only a collection whose every item this run
 * wrote has them; one resumed from an earlier attempt's pages is counted from its spool.
 */
export class CollectedColumns {
  private readonly counted = new Map<string, CsvColumns>();
  private readonly resumed = new Set<string>();

  /** One page's items, written after `before` items of the collection. */
  add(collection: string, items: ExportItem[], before: number): void {
    let columns = this.counted.get(collection);
    if (!columns) {
      if (before > 0) {
        this.resumed.add(collection);
        return;
      }
      columns = new CsvColumns();
      this.counted.set(collection, columns);
    }
    for (const item of items) columns.add(displayRecord(item));
  }

  of(collection: string): CsvColumns | undefined {
    return this.resumed.has(collection) ? undefined : this.counted.get(collection);
  }
}
