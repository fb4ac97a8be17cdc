import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from './spool';

describe('Spool', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends after the checkpointed length a crash left, and counts its length from there', async () => {
    const path = join(dir, 'items.ndjson');
    // Two lines checkpointed, then half a line that a killed run wrote after its last checkpoint.
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":');
    const spool = new Spool(path);
    await spool.truncateTo(16);
    expect(await spool.appendLines([])).toBe(16);
    expect(await spool.append([{ n: 3 }, { n: 'é' }])).toBe(16 + 8 + 11);
    expect(await spool.appendLines([])).toBe(35);
    await spool.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n{"n":"é"}\n');
  });

  it('goes on appending after it was closed, from the length on disk', async () => {
    const spool = new Spool(join(dir, 'media.ndjson'));
    await spool.truncateTo(0);
    await spool.append([{ a: 1 }]);
    await spool.close();
    expect(await spool.append([{ b: 2 }])).toBe(16);
    await spool.close();
    const records = [];
    for await (const record of spool.records()) records.push(record);
    expect(records).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
