import type { ExportItem, JsonObject } from '@app/platform-adapters';

/** An item as writers read it back from a collection's items spool. */
export interface SpooledItem {
  id: string;
  data: JsonObject;
  /** The record's JSON text exactly as the JSON archive holds it, when the spool kept it so. */
  json?: Buffer;
}

const TAB = 0x09;

/**
 * One line of a collection's items spool: a tab, the item's id as JSON, a tab, and the record (the id,
 * then the adapter's fields) as the JSON archive holds it, so that archive is built by copying lines
 * rather than parsing and writing every item again. JSON text never holds a raw tab, so the two tabs
 * cannot be mistaken. A line without the leading tab is an `{"id","data"}` object: spools written before
 * this form (an export parked across an upgrade), and a record with its own `mediaFiles` field, which
 * the archive's `mediaFiles` must replace rather than repeat.
 */
export function itemLine(item: ExportItem): string {
  if (Object.hasOwn(item.data, 'mediaFiles')) return JSON.stringify({ id: item.id, data: item.data });
  return `\t${JSON.stringify(item.id)}\t${JSON.stringify({ id: item.id, ...item.data })}`;
}

/** The items of a spool's lines, in order; a record kept as text is parsed only if a writer asks for its fields. */
export async function* spooledItems(lines: AsyncIterable<Buffer>): AsyncGenerator<SpooledItem> {
  for await (const line of lines) {
    if (line[0] !== TAB) {
      yield JSON.parse(line.toString('utf8')) as SpooledItem;
      continue;
    }
    const split = line.indexOf(TAB, 1);
    yield new KeptRecord(JSON.parse(line.toString('utf8', 1, split)) as string, line.subarray(split + 1));
  }
}

class KeptRecord implements SpooledItem {
  private parsed?: JsonObject;

  constructor(
    readonly id: string,
    readonly json: Buffer,
  ) {}

  get data(): JsonObject {
    this.parsed ??= JSON.parse(this.json.toString('utf8')) as JsonObject;
    return this.parsed;
  }
}
