import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvCell } from './csv';
import { safeId, safeSegment } from './entry-names';
import { flatten } from './flatten';
import { collectionFiles, CollectionSource } from './collection-files';
import type { ViewerInfo } from './html-viewer';
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
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvCell('\t=1')).toBe("'\t=1");
  });

  it('keeps ids, handles and signed numbers byte-exact', () => {
    expect(csvCell('-2K7qVZgW9g')).toBe('-2K7qVZgW9g');
    expect(csvCell('@handle.name')).toBe('@handle.name');
    expect(csvCell('+1')).toBe('+1');
    expect(csvCell('2024-01-14T10:00:00Z')).toBe('2024-01-14T10:00:00Z');
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

  const videos: SpooledItem[] = [
    {
      id: '-2K7qVZgW9g',
      data: {
        title: 'Hello, "world"',
        description: 'See https://example.org/a?b=1&c=2. Thanks!',
        publishedAt: '2024-01-14T10:00:00Z',
        url: 'https://www.youtube.com/watch?v=-2K7qVZgW9g',
        channel: '@handle',
        nested: { n: 1 },
        raw: { kind: 'youtube#video', etag: 'x' },
      },
    },
    { id: 'a2', data: { title: '<script>alert(1)</script>\r\nنص', description: '=HYPERLINK("http://evil")', raw: { kind: 'y' } } },
  ];
  const comments: SpooledItem[] = [
    { id: 'c1', data: { parentId: null, author: 'Ann', text: 'First!', publishedAt: '2024-01-15T08:30:00Z', videoId: '-2K7qVZgW9g' } },
    { id: 'c1.r1', data: { parentId: 'c1', author: 'Bob', text: 'Reply to Ann', publishedAt: '2024-01-15T09:00:00Z', videoId: '-2K7qVZgW9g' } },
    { id: 'c2', data: { parentId: null, author: 'Cy', text: 'Another thread', publishedAt: '2024-01-16T08:30:00Z', videoId: 'gone' } },
  ];
  const sources: CollectionSource[] = [
    {
      name: 'videos',
      count: videos.length,
      items: async function* () {
        yield* videos;
      },
      media: async function* () {
        yield { itemId: '-2K7qVZgW9g', name: 'media/videos/-2K7qVZgW9g-0.jpg', file: '/unused' };
        yield { itemId: '-2K7qVZgW9g', name: 'media/videos/-2K7qVZgW9g-1.mp4', file: '/unused' };
      },
    },
    {
      name: 'comments',
      count: comments.length,
      items: async function* () {
        yield* comments;
      },
    },
  ];
  const viewer: ViewerInfo = {
    platform: 'youtube',
    accountName: 'Ann’s channel',
    exportedAt: '2026-12-06T11:00:00.000Z',
    views: {
      videos: { title: 'title', date: 'publishedAt', text: 'description', link: 'url' },
      comments: { author: 'author', date: 'publishedAt', text: 'text', replyTo: 'parentId', about: { field: 'videoId', collection: 'videos' } },
    },
    errors: async function* () {
      yield { collection: 'videos', itemId: 'a2', url: 'https://i.ytimg.com/x.jpg', reason: 'HTTP 404' };
    },
  };

  async function zipOf(format: 'json' | 'csv' | 'html'): Promise<string> {
    const target = join(dir, `${format}.zip`);
    const zip = new ZipWriter(target);
    for await (const file of collectionFiles(format, sources, viewer)) await zip.addText(file.name, file.content());
    await zip.finish();
    execFileSync('unzip', ['-tq', target]);
    const out = join(dir, format);
    execFileSync('unzip', ['-oq', target, '-d', out]);
    return out;
  }

  it('writes a JSON array per collection, with the raw object and each item’s media files', async () => {
    const out = await zipOf('json');
    const written = JSON.parse(readFileSync(join(out, 'videos.json'), 'utf8')) as Record<string, unknown>[];
    expect(written[0]).toEqual({
      id: '-2K7qVZgW9g',
      ...videos[0].data,
      mediaFiles: ['media/videos/-2K7qVZgW9g-0.jpg', 'media/videos/-2K7qVZgW9g-1.mp4'],
    });
    expect(written[1]).toEqual({ id: 'a2', ...videos[1].data });
  });

  it('writes CSV with a BOM and a header, ids and handles byte-exact, free-text formulas neutralised, no raw columns', async () => {
    const out = await zipOf('csv');
    const text = readFileSync(join(out, 'videos.csv'), 'utf8');
    expect(text.startsWith('\uFEFFid,title,description,publishedAt,url,channel,nested.n,mediaFiles\r\n')).toBe(true);
    expect(text).not.toContain('raw');
    expect(text).toContain(
      '-2K7qVZgW9g,"Hello, ""world""",See https://example.org/a?b=1&c=2. Thanks!,2024-01-14T10:00:00Z,' +
        'https://www.youtube.com/watch?v=-2K7qVZgW9g,@handle,1,media/videos/-2K7qVZgW9g-0.jpg media/videos/-2K7qVZgW9g-1.mp4\r\n',
    );
    expect(text).toContain(`a2,"<script>alert(1)</script>\r\nنص","'=HYPERLINK(""http://evil"")",,,,,\r\n`);
    expect(readFileSync(join(out, 'comments.csv'), 'utf8').split('\r\n')[0]).toBe('\uFEFFid,parentId,author,text,publishedAt,videoId');
  });

  it('writes an offline HTML viewer a person can read: cards, links, media, threads, errors', async () => {
    const out = await zipOf('html');
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('Ann’s channel');
    expect(index).toContain('exported 2026-12-06 11:00 UTC');
    expect(index).toContain('href="html/videos-1.html"');
    expect(index).toContain('href="html/errors.html"');

    const page = readFileSync(join(out, 'html/videos-1.html'), 'utf8');
    expect(page).toContain('<h2><a href="https://www.youtube.com/watch?v=-2K7qVZgW9g" rel="noopener noreferrer">Hello, &quot;world&quot;</a></h2>');
    expect(page).toContain('<time datetime="2024-01-14T10:00:00Z">2024-01-14 10:00 UTC</time>');
    expect(page).toContain('See <a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>. Thanks!');
    expect(page).toContain('<img src="../media/videos/-2K7qVZgW9g-0.jpg"');
    expect(page).toContain('<video src="../media/videos/-2K7qVZgW9g-1.mp4" controls');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/<script|youtube#video/);
    expect(page).toContain("default-src 'none'");

    const thread = readFileSync(join(out, 'html/comments-1.html'), 'utf8');
    const replies = thread.slice(thread.indexOf('id="item-c1"'), thread.indexOf('id="item-c2"'));
    expect(replies).toMatch(/<h2>Ann<\/h2>[\s\S]*First![\s\S]*<div class="replies">[\s\S]*<h2>Bob<\/h2>[\s\S]*Reply to Ann/);
    // Comments and their video point at each other; a comment on a video not exported says so.
    expect(replies).toContain('On <a href="videos-1.html#item--2K7qVZgW9g">Hello, &quot;world&quot;</a>');
    expect(page).toContain('<a href="comments-1.html#item-c1">2 comments</a>');
    expect(thread.slice(thread.indexOf('id="item-c2"'))).toContain('On videos item gone (not in this export)');

    const errors = readFileSync(join(out, 'html/errors.html'), 'utf8');
    expect(errors).toContain('<td>videos</td><td>a2 (https://i.ytimg.com/x.jpg)</td><td>HTTP 404</td>');
  });
});
