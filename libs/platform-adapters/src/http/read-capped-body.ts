/** The body grew past its cap. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a fetch body as UTF-8 text, refusing more than `maxBytes`. A declared Content-Length over the cap
 * fails before a byte is read; otherwise bytes are counted as they stream (after decompression, so a small
 * gzip bomb is caught too) and the stream is cancelled the moment the cap is passed. Each chunk is decoded
 * as it comes rather than joined into one Buffer first: a page of an export is a few hundred KB, and a
 * Buffer that size per answer would only wait for the next full collection.
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  // Malformed bytes become U+FFFD, as Buffer#toString does; a leading byte-order mark is kept, so JSON
  // with one is refused exactly as before.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
