import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportItem } from '@app/platform-adapters';
import { Spool } from '../pipeline/spool';
import { itemLine, spooledItems } from '../pipeline/spooled-item';
import { collectionFiles, type CollectionSource } from './collection-files';
import { CollectedColumns } from './csv-columns';

const PAGES: ExportItem[][] = [
  [
    { id: '1', data: { title: 'first', stats: { views: 3, likes: null }, tags: ['a', 'b'], raw: { kind: 'video' } } },
    { id: '2', data: { title: '=SUM(A1)', empty: {}, raw: { kind: 'video' } } },
  ],
  // A page that brings new columns, a nested one among them, and a record with its own mediaFiles.
  [
    { id: '3', data: { title: 'late', stats: { views: 1, shares: 2 }, location: { city: 'Kraków' } } },
    { id: '4', data: { mediaFiles: ['theirs.jpg'], title: 'clash', raw: { kind: 'video' } } },
  ],
  // More fields than a table takes: the rest goes to `_more`.
  [{ id: '5', data: Object.fromEntries(Array.from({ length: 420 }, (_, n) => [`field${n}`, n])) }],
];

async function csvOf(source: CollectionSource): Promise<string> {
  for await (const file of collectionFiles('csv', [source], { platform: 'youtube', exportedAt: '', errors: async function* () {} })) {
    let text = '';
    for await (const chunk of file.content()) text += chunk.toString();
    return text;
  }
  throw new Error('no CSV file');
}

describe('CSV columns counted during collection', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'csv-columns-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('give the same table as columns counted from the spool', async () => {
    const spool = new Spool(join(dir, 'videos.items.a1.ndjson'));
    const collected = new CollectedColumns();
    let before = 0;
    for (const page of PAGES) {
      await spool.appendLines(page.map(itemLine));
      collected.add('videos', page, before);
      before += page.length;
    }
    const media = async function* () {
      yield { itemId: '4', name: 'media/4.jpg', file: '/dev/null' };
    };
    const source = { name: 'videos', count: before, items: () => spooledItems(spool.lines()), media };

    const fromSpool = await csvOf(source);
    expect(collected.of('videos')).toBeDefined();
    expect(await csvOf({ ...source, columns: collected.of('videos') })).toBe(fromSpool);
    const header = fromSpool.split('\r\n')[0];
    expect(header).toContain('stats.views,stats.likes,tags,empty,stats.shares,location.city,field0');
    expect(header.endsWith(',_more,mediaFiles')).toBe(true);
    // The record's own mediaFiles gives way to the archive's, as in the JSON file.
    expect(header.match(/mediaFiles/g)).toHaveLength(1);
    expect(fromSpool).toContain('\r\n4,clash,');
    expect(fromSpool).not.toContain('theirs.jpg');
    expect(fromSpool.split('\r\n')[4].endsWith(',media/4.jpg')).toBe(true);
  });

  it('are not used for a collection resumed from pages an earlier attempt wrote', () => {
    const collected = new CollectedColumns();
    collected.add('videos', PAGES[1], 2);
    collected.add('videos', PAGES[2], 4);
    collected.add('comments', [], 0);
    expect(collected.of('videos')).toBeUndefined();
    expect(collected.of('comments')?.names).toEqual(new Set(['id']));
  });
});
