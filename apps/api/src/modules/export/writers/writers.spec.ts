import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvCell } from './csv';
import { safeId, safeSegment } from './entry-names';
import { flatten } from './flatten';
import { collectionFiles, CollectionSource } from './collection-files';
import { ZipWriter } from './zip-writer';
import type { SpooledItem } from '../pipeline/spooled-item';

const HOSTILE = [
  '../../etc/passwd',
  '/abs',
  'C:\\x',
  'a/../../b',
  '..\\..\\x',
  'nul\u0000byte',
  'line\r\nbreak',
  'CON',
  'name.',
  'x'.repeat(500),
  'مرحبا بالعالم',
  '🎉 party',
  'e\u0301te\u0301',
  'evil\u202Etxt.exe',
];

describe('ZIP entry names', () => {
  it('never yields traversal, separators, controls, bidi overrides or reserved names', () => {
    for (const title of HOSTILE) {
      const name = safeSegment(title);
      // eslint-disable-next-line no-control-regex
      expect(name).not.toMatch(/[/\\:\u0000-\u001f\u202e]/);
      expect(name).not.toMatch(/^\.|\.$/);
      expect(name).not.toMatch(/^(con|prn|aux|nul)$/i);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(120);
      expect(name.length).toBeGreaterThan(0);
    }
    expect(safeSegment('e\u0301te\u0301')).toBe('été');
    expect(safeSegment('...')).toBe('item');
  });

  it('keeps plain platform ids and hashes anything else', () => {
    expect(safeId('dQw4w9WgXcQ')).toBe('dQw4w9WgXcQ');
    expect(safeId('../../x')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('CSV cells', () => {
  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell([1, 'a'])).toBe('"[1,""a""]"');
  });

  it('flattens nested objects to dotted columns and keeps arrays whole', () => {
    expect([...flatten({ id: '1', snippet: { title: 't', tags: ['a', 'b'] }, stats: {} })]).toEqual([
      ['id', '1'],
      ['snippet.title', 't'],
      ['snippet.tags', ['a', 'b']],
      ['stats', {}],
    ]);
  });
});

describe('collection files in a ZIP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-writers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const items: SpooledItem[] = [
    { id: 'a1', data: { title: 'Hello, "world"', nested: { n: 1 } } },
    { id: 'a2', data: { title: '<script>alert(1)</script>\r\nنص', extra: '=1+1' } },
  ];
  const source: CollectionSource = {
    name: 'videos',
    count: items.length,
    items: async function* () {
      yield* items;
    },
  };

  async function zipOf(format: 'json' | 'csv' | 'html'): Promise<string> {
    const target = join(dir, `${format}.zip`);
    const zip = new ZipWriter(target);
    for await (const file of collectionFiles(format, [source], 'YouTube export')) await zip.addText(file.name, file.content());
    await zip.finish();
    execFileSync('unzip', ['-tq', target]);
    const out = join(dir, format);
    execFileSync('unzip', ['-oq', target, '-d', out]);
    return out;
  }

  it('writes a JSON array per collection', async () => {
    const out = await zipOf('json');
    expect(JSON.parse(readFileSync(join(out, 'videos.json'), 'utf8'))).toEqual([
      { id: 'a1', title: 'Hello, "world"', nested: { n: 1 } },
      { id: 'a2', title: '<script>alert(1)</script>\r\nنص', extra: '=1+1' },
    ]);
  });

  it('writes CSV with a BOM, a header of every column and neutralised formulas', async () => {
    const out = await zipOf('csv');
    const text = readFileSync(join(out, 'videos.csv'), 'utf8');
    expect(text.startsWith('\uFEFFid,title,nested.n,extra\r\n')).toBe(true);
    expect(text).toContain('a1,"Hello, ""world""",1,\r\n');
    expect(text).toContain(`a2,"<script>alert(1)</script>\r\nنص",,'=1+1\r\n`);
  });

  it('writes an offline HTML viewer with everything escaped', async () => {
    const out = await zipOf('html');
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('href="html/videos-1.html"');
    const page = readFileSync(join(out, 'html/videos-1.html'), 'utf8');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain("default-src 'none'");
  });
});
