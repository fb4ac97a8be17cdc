import { BodyTooLargeError, readCappedText } from './read-capped-body';

/** A response whose body arrives in exactly these chunks. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(body, { headers });
}

describe('readCappedText', () => {
  it('decodes a character split across two chunks', async () => {
    const bytes = Buffer.from('{"title":"café ☕ 🎉"}');
    const cuts = [12, 17, 22].map((end, index, all) => bytes.subarray(index === 0 ? 0 : all[index - 1], end));
    const text = await readCappedText(streamed([...cuts, bytes.subarray(22)]), 1_000);
    expect(JSON.parse(text)).toEqual({ title: 'café ☕ 🎉' });
  });

  it('keeps a byte-order mark and turns malformed bytes into U+FFFD, as a Buffer decoded whole would', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"'), Buffer.from([0xc3]), Buffer.from('"}')]);
    const text = await readCappedText(streamed([bytes.subarray(0, 2), bytes.subarray(2)]), 1_000);
    expect(text).toBe(bytes.toString('utf8'));
  });

  it('counts bytes, not characters, against the cap', async () => {
    const euros = Buffer.from('€'.repeat(4)); // 12 bytes, 4 characters
    await expect(readCappedText(streamed([euros]), 11)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readCappedText(streamed([euros]), 12)).resolves.toBe('€'.repeat(4));
  });
});
