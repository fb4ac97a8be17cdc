import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadBuffers } from './read-buffers';
import { ZipWriter, type WrittenEntry } from './zip-writer';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('ReadBuffers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'read-buffers-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a media file to the archive byte for byte while its read buffers are reused', async () => {
    // Sizes around the 64 KiB read: several buffers per file, a short last read, an empty file.
    const files = [3 * 1024 * 1024 + 17, 64 * 1024, 65 * 1024, 1, 0].map((size, i) => {
      const path = join(dir, `media-${i}.bin`);
      writeFileSync(path, randomBytes(size));
      return { name: `media/${i}.bin`, path };
    });
    const target = join(dir, 'export.zip');
    const zip = new ZipWriter(target);
    const written: WrittenEntry[] = [];
    const allocated = jest.spyOn(Buffer, 'allocUnsafeSlow');
    for (const file of files) written.push(await zip.addFile(file.name, file.path, true));
    await zip.finish();
    // 3 MiB alone takes 49 reads of 64 KiB; buffers that came back were read into again.
    expect(allocated.mock.calls.length).toBeLessThan(20);
    allocated.mockRestore();

    const out = join(dir, 'out');
    execFileSync('unzip', ['-oq', target, '-d', out]);
    for (const [i, file] of files.entries()) {
      const original = readFileSync(file.path);
      expect(readFileSync(join(out, file.name)).equals(original)).toBe(true);
      expect(written[i]).toEqual({ name: file.name, bytes: original.length, sha256: sha256(original) });
    }
  });

  it('reads into a buffer again only once the very chunk it lent has been written', () => {
    const buffers = new ReadBuffers();
    const buffer = buffers.take();
    const chunk = buffers.lend(buffer, 1000);

    // A stage that split or copied the chunk hands on other bytes: the buffer is not free yet.
    buffers.written(chunk.subarray(0, 500));
    buffers.written(Buffer.from(chunk));
    expect(buffers.take()).not.toBe(buffer);

    buffers.written(chunk);
    expect(buffers.take()).toBe(buffer);
  });
});
