import type { ExportItem, JsonObject } from '@app/platform-adapters';

/** An item as writers read it back from a collection's items spool. */
export interface SpooledItem {
  id: string;
  data: JsonObject;
  /** The record's JSON text exactly as the JSON archive holds it, when the spool kept it so. */
  json?: Buffer;
  /** The record without its last field `raw` (see displayRecord), when the spool line can give it alone. */
  readonly display?: JsonObject;
}

const TAB = 0x09;
const OPEN_BRACE = 0x7b;

/**
 * One line of a collection's items spool: a tab, the item's id as JSON, a tab, and the record (the id,
 * then the adapter's fields) as the JSON archive holds it, so that archive is built by copying lines
 * rather than parsing and writing every item again. JSON text never holds a raw tab, so the two tabs
 * cannot be mistaken. When the record ends with `raw` (the platform's own copy, most of its bytes), a
 * third field before the record gives the byte length of what comes before `,"raw":`, so tables and
 * pages, which leave `raw` out, parse only that part. A line without the leading tab is an
 * `{"id","data"}` object: spools written before these forms (an export parked across an upgrade), and
 * a record with its own `mediaFiles` field, which the archive's `mediaFiles` must replace rather than repeat.
 */
export function itemLine(item: ExportItem): string {
  const { data } = item;
  if (Object.hasOwn(data, 'mediaFiles')) return JSON.stringify({ id: item.id, data });
  const id = JSON.stringify(item.id);
  const keys = Object.keys(data);
  if (keys[keys.length - 1] !== 'raw' || data.raw === undefined) return `\t${id}\t${JSON.stringify({ id: item.id, ...data })}`;
  // The same text as JSON.stringify({ id, ...data }), written in two parts to know where `raw` starts.
  const { raw, ...rest } = data;
  const head = JSON.stringify({ id: item.id, ...rest });
  return `\t${id}\t${Buffer.byteLength(head) - 1}\t${head.slice(0, -1)},"raw":${JSON.stringify(raw)}}`;
}

/** The items of a spool's lines, in order; a record kept as text is parsed only if a writer asks for its fields. */
export async function* spooledItems(lines: AsyncIterable<Buffer>): AsyncGenerator<SpooledItem> {
  for await (const line of lines) {
    if (line[0] !== TAB) {
      yield JSON.parse(line.toString('utf8')) as SpooledItem;
      continue;
    }
    const split = line.indexOf(TAB, 1);
    const id = JSON.parse(line.toString('utf8', 1, split)) as string;
    if (line[split + 1] === OPEN_BRACE) {
      yield new KeptRecord(id, line.subarray(split + 1));
      continue;
    }
    const record = line.indexOf(TAB, split + 1);
    yield new KeptRecord(id, line.subarray(record + 1), Number(line.toString('latin1', split + 1, record)));
  }
}

class KeptRecord implements SpooledItem {
  private parsed?: JsonObject;
  private shown?: JsonObject;

  constructor(
    readonly id: string,
    readonly json: Buffer,
    private readonly rawAt?: number,
  ) {}

  get data(): JsonObject {
    this.parsed ??= JSON.parse(this.json.toString('utf8')) as JsonObject;
    return this.parsed;
  }

  get display(): JsonObject | undefined {
    if (this.rawAt === undefined) return undefined;
    this.shown ??= JSON.parse(`${this.json.toString('utf8', 0, this.rawAt)}}`) as JsonObject;
    return this.shown;
  }
}
