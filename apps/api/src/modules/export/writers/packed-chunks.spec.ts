import { packedChunks } from './packed-chunks';

async function* pieces(...chunks: Array<string | Buffer>): AsyncGenerator<string | Buffer> {
  yield* chunks;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(Buffer.from(chunk));
  return out;
}

describe('packedChunks', () => {
  it('passes on the same bytes in buffers of at least the size asked, a character split across two included', async () => {
    const text = ['[', '\n', '{"title":"café ☕"}', ',\n', Buffer.from('{"n":1}'), '\n]\n'];
    const out = await collect(packedChunks(pieces(...text), 8));
    expect(Buffer.concat(out).toString('utf8')).toBe('[\n{"title":"café ☕"},\n{"n":1}\n]\n');
    expect(out.length).toBeGreaterThan(1);
    expect(out.slice(0, -1).every((chunk) => chunk.length >= 8)).toBe(true);
  });

  it('passes a piece of a full buffer or more on without copying it into several', async () => {
    const big = Buffer.alloc(20, 'x');
    const out = await collect(packedChunks(pieces('ab', big, 'cd'), 8));
    expect(Buffer.concat(out).toString()).toBe(`ab${'x'.repeat(20)}cd`);
    expect(out.map((chunk) => chunk.length)).toEqual([8, 14, 2]);
  });

  it('yields nothing for nothing', async () => {
    expect(await collect(packedChunks(pieces(), 8))).toEqual([]);
  });
});
