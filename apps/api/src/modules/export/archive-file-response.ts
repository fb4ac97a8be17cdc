import type { FileHandle } from 'node:fs/promises';
import type { Request, Response } from 'express';

/**
 * Read size of the archive stream. Two buffers of this size are read into in turn for the whole
 * download: a stream that allocated a fresh buffer per read made the collector run full collections
 * every few hundred milliseconds on a large archive, and a busy heap (embedded mode) paid the most.
 */
const CHUNK_BYTES = 512 * 1024;

/** What the answer's headers say of the file besides its length and range. */
export type ArchiveHeaders = Record<'Content-Type' | 'Content-Disposition' | 'Cache-Control' | 'X-Content-Type-Options', string>;

export type ArchiveAnswer = 'sent' | 'not_modified' | 'range_not_satisfiable';

/**
 * Answers a GET or HEAD for an open archive file: 200 with the whole file, 206 with a single byte
 * range (several ranges, a malformed one or another unit get the whole file, as RFC 9110 allows),
 * 304 when the client's validators still match, and `range_not_satisfiable` (only Content-Range set)
 * for the caller's own 416. If-Range is honoured, so a resumed download of a changed file starts over. The
 * validators are what Express's `send` gave: a weak ETag of size and mtime, and Last-Modified.
 */
export async function answerWithArchive(request: Request, response: Response, file: FileHandle, headers: ArchiveHeaders): Promise<ArchiveAnswer> {
  const { size, mtime } = await file.stat();
  response.setHeader('Accept-Ranges', 'bytes');
  response.setHeader('ETag', `W/"${size.toString(16)}-${mtime.getTime().toString(16)}"`);
  response.setHeader('Last-Modified', mtime.toUTCString());
  if (request.fresh) {
    response.status(304).end();
    return 'not_modified';
  }
  let start = 0;
  let end = size - 1;
  const ranges = request.headers.range && rangeStillValid(request, response) ? request.range(size, { combine: true }) : undefined;
  if (ranges === -1) {
    // The caller answers with its own body; the size says which ranges the file has.
    for (const name of ['ETag', 'Last-Modified', 'Accept-Ranges']) response.removeHeader(name);
    response.setHeader('Content-Range', `bytes */${size}`);
    return 'range_not_satisfiable';
  }
  if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
    ({ start, end } = ranges[0]);
    response.status(206).setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Length', String(end - start + 1));
  if (request.method === 'HEAD' || size === 0) {
    response.end();
    return 'sent';
  }
  await pump(file, response, start, end);
  return 'sent';
}

/** If-Range: a range applies only to the file the client already holds part of. */
function rangeStillValid(request: Request, response: Response): boolean {
  const ifRange = request.get('If-Range');
  if (!ifRange) return true;
  if (ifRange.includes('"')) return ifRange.includes(String(response.getHeader('ETag')));
  return Date.parse(String(response.getHeader('Last-Modified'))) <= Date.parse(ifRange);
}

/**
 * Copies bytes [start, end] to the response through two buffers: one is read into while the other is
 * written, and a buffer is read into again only once the socket has taken its last chunk.
 */
async function pump(file: FileHandle, response: Response, start: number, end: number): Promise<void> {
  const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)];
  const closed = new Promise<never>((_, reject) => response.once('close', () => reject(new Error('the client went away'))));
  closed.catch(() => undefined);
  let writing: Promise<void> = Promise.resolve();
  for (let position = start, turn = 0; position <= end; turn++) {
    const buffer = buffers[turn % 2];
    const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, end - position + 1), position);
    if (bytesRead === 0) throw new Error(`archive ended at byte ${position} of ${end + 1}`);
    position += bytesRead;
    await Promise.race([writing, closed]);
    writing = new Promise<void>((resolve, reject) => {
      response.write(buffer.subarray(0, bytesRead), (error) => (error ? reject(error) : resolve()));
    });
    // Awaited on the next turn; a client gone meanwhile must not make it count as unhandled.
    writing.catch(() => undefined);
  }
  await Promise.race([writing, closed]);
  response.end();
}
