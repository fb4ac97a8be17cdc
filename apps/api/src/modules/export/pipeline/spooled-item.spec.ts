import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportItem, JsonObject } from '@app/platform-adapters';
import { collectionFiles } from '../writers/collection-files';
import type { MediaRecord } from './media-fetcher';
import { Spool } from './spool';
import { itemLine, type SpooledItem, spooledItems } from './spooled-item';

const ITEMS: ExportItem[] = [
  { id: '1', data: { title: 'plain', raw: { kind: 'youtube#video', id: '1' } } },
  // Control characters, quotes, a raw tab inside a value, non-ASCII and astral characters.
  { id: 'a"b\tc', data: { title: 'tab\there "quoted" \u0000 été 🎉', nested: { list: [1, null, true] } } },
  // The adapter's own `id` wins over the item's, as it always did in the archive.
  { id: '3', data: { id: 'own', title: 'own id' } },
  { id: '4', data: {} },
  // A record with its own mediaFiles: the archive's must replace it.
  { id: '5', data: { mediaFiles: ['theirs.jpg'], title: 'clash' } },
  // `raw` not last: the line has no length of the part before it.
  { id: '6', data: { raw: { a: 1 }, title: 'raw first' } },
  // Multi-byte characters before `raw`: its start is counted in bytes.
  { id: '7', data: { id: 'own7', title: 'été 🎉 "q"\t', raw: { text: 'é', title: 'été' } } },
];

const MEDIA: MediaRecord[] = [
  { itemId: '1', name: 'media/1.jpg', file: '/dev/null' },
  { itemId: '4', name: 'media/4.jpg', file: '/dev/null' },
  { itemId: '5', name: 'media/5.jpg', file: '/dev/null' },
];

/** The JSON array as items were always written: each record parsed and written again. */
function expectedJson(): JsonObject[] {
  const files = new Map(MEDIA.map((record) => [record.itemId, [record.name]]));
  return ITEMS.map((item) => {
    const record = { id: item.id, ...item.data };
    const mediaFiles = files.get(item.id);
    return mediaFiles ? { ...record, mediaFiles } : record;
  });
}

async function text(chunks: AsyncIterable<string | Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts).toString('utf8');
}

describe('items spool lines', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-lines-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function jsonFileOf(spool: Spool): Promise<string> {
    const source = { name: 'videos', count: ITEMS.length, items: () => spooledItems(spool.lines()), media: async function* () { yield* MEDIA; } };
    for await (const file of collectionFiles('json', [source], { platform: 'youtube', exportedAt: '', errors: async function* () {} })) {
      return text(file.content());
    }
    throw new Error('no JSON file');
  }

  it('reads back every item as written, and the JSON archive holds each record exactly as it always did', async () => {
    const spool = new Spool(join(dir, 'videos.items.a1.ndjson'));
    await spool.appendLines(ITEMS.slice(0, 2).map(itemLine));
    await spool.appendLines(ITEMS.slice(2).map(itemLine));

    const read: { id: string; data: JsonObject }[] = [];
    for await (const item of spooledItems(spool.lines())) read.push({ id: item.id, data: item.data });
    expect(read.map((item) => item.id)).toEqual(ITEMS.map((item) => item.id));
    expect(read.map((item) => ({ id: item.id, ...item.data }))).toEqual(ITEMS.map((item) => ({ id: item.id, ...item.data })));

    const json = await jsonFileOf(spool);
    expect(JSON.parse(json)).toEqual(expectedJson());
    // Written as before: one record per line, the id first.
    expect(json.split('\n')[1]).toBe(`${JSON.stringify({ id: '1', title: 'plain', raw: { kind: 'youtube#video', id: '1' }, mediaFiles: ['media/1.jpg'] })},`);
  });

  it('gives tables the record without raw from the part of the line before it, as the whole record would', async () => {
    const spool = new Spool(join(dir, 'videos.items.a1.ndjson'));
    await spool.appendLines(ITEMS.map(itemLine));
    const read = new Map<string, SpooledItem>();
    for await (const item of spooledItems(spool.lines())) read.set(item.id, item);
    expect(read.get('1')?.display).toEqual({ id: '1', title: 'plain' });
    expect(read.get('7')?.display).toEqual({ id: 'own7', title: 'été 🎉 "q"\t' });
    expect(read.get('6')?.display).toBeUndefined();

    const csvOf = async (items: () => AsyncIterable<SpooledItem>): Promise<string> => {
      const source = { name: 'videos', count: ITEMS.length, items, media: async function* () { yield* MEDIA; } };
      for await (const file of collectionFiles('csv', [source], { platform: 'youtube', exportedAt: '', errors: async function* () {} })) {
        return text(file.content());
      }
      throw new Error('no CSV file');
    };
    const inMemory = async function* (): AsyncGenerator<SpooledItem> {
      for (const item of ITEMS) yield { id: item.id, data: item.data };
    };
    const table = await csvOf(() => spooledItems(spool.lines()));
    expect(table).toBe(await csvOf(inMemory));
    expect(table).toContain('own7,"été 🎉 ""q""');
    expect(table).not.toContain('youtube#video');
  });

  it('still reads a spool written as {"id","data"} objects, as an export parked across an upgrade has it', async () => {
    const path = join(dir, 'videos.items.a1.ndjson');
    writeFileSync(path, ITEMS.map((item) => `${JSON.stringify({ id: item.id, data: item.data, media: [] })}\n`).join(''));
    expect(JSON.parse(await jsonFileOf(new Spool(path)))).toEqual(expectedJson());
  });

  it('splits lines across read chunks and keeps a last line without its newline', async () => {
    const path = join(dir, 'long.ndjson');
    // Lines across chunk boundaries, and one that spans several whole chunks.
    const records = Array.from({ length: 40 }, (_, n) => ({ n, fill: 'x'.repeat(n === 20 ? 700_000 : n * 1_777) }));
    writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n'));
    const read: unknown[] = [];
    for await (const record of new Spool(path).records()) read.push(record);
    expect(read).toEqual(records);
  });
});
