import type { ExportItem } from '@app/platform-adapters';

/** An item as it sits in a collection's spool: the adapter's item, as JSON. */
export type SpooledItem = ExportItem;
