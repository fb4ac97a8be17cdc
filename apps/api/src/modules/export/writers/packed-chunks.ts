/**
 * Writers yield an item's text in two or three small pieces. Each chunk handed to a stream costs a
 * trip through every stage behind it (hash, archiver, CRC, one zlib call on the thread pool): for
 * items of a few KB, a quarter of the build's CPU. Copying them into buffers of `size` bytes first
 * makes that one trip per buffer.
 */
export async function* packedChunks(chunks: AsyncIterable<string | Buffer>, size = 64 * 1024): AsyncGenerator<Buffer> {
  let buffer = Buffer.allocUnsafe(size);
  let used = 0;
  for await (const chunk of chunks) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (bytes.length > 0) {
      if (used === 0 && bytes.length >= size) {
        // A large piece is passed on as it is: copying it would gain nothing.
        yield bytes;
        break;
      }
      const taken = bytes.copy(buffer, used, 0, Math.min(bytes.length, size - used));
      used += taken;
      bytes = bytes.subarray(taken);
      if (used === size) {
        yield buffer;
        buffer = Buffer.allocUnsafe(size);
        used = 0;
      }
    }
  }
  if (used > 0) yield buffer.subarray(0, used);
}
