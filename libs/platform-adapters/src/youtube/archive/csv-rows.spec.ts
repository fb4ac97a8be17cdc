import { Readable } from 'node:stream';
import { csvRecords, csvRows } from './csv-rows';
import { commentText, takeoutTime } from './takeout-records';

/** The text cut into chunks of `size` bytes, as a ZIP entry's stream delivers it. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

async function all<T>(values: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of values) out.push(value);
  return out;
}

describe('Takeout CSV and values', () => {
  const text = '\ufeffVideo ID,Title\r\nabc,"Quoted, with ""quotes"" and\r\na line break"\r\nüñï,plain\r\n';

  it.each([1, 2, 3, 7, 1024])('reads quoted fields, doubled quotes and line breaks whatever the chunking (%i bytes)', async (size) => {
    expect(await all(csvRows(chunked(text, size)))).toEqual([
      ['Video ID', 'Title'],
      ['abc', 'Quoted, with "quotes" and\r\na line break'],
      ['üñï', 'plain'],
    ]);
  });

  it('keys rows by the header and keeps a last row without a line break', async () => {
    expect(await all(csvRecords(chunked('a,b\n1,2\n3,', 4)))).toEqual([{ a: '1', b: '2' }, { a: '3', b: '' }]);
  });

  it('refuses a file that ends inside a quoted field', async () => {
    await expect(all(csvRows(chunked('a\n"open', 3)))).rejects.toThrow(/inside a quoted field/);
  });

  it('reads Takeout times as ISO 8601 UTC and comment blobs as their text', () => {
    expect(takeoutTime('2024-01-02T14:30:00+02:00')).toBe('2024-01-02T12:30:00.000Z');
    expect(takeoutTime('2024-01-02 14:30:00 UTC')).toBe('2024-01-02T14:30:00.000Z');
    expect(takeoutTime('not a time')).toBeNull();
    expect(commentText('{"text":"a "},{"text":"b"}')).toBe('a b');
    expect(commentText('{"takeoutSegments":[{"text":"x"},{"text":"y"}]}')).toBe('xy');
    expect(commentText('plain text')).toBe('plain text');
  });
});
