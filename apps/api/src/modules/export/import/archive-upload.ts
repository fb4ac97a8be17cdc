import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { ApiError, invalidFormat } from '../../../common/api-error';
import { PRIVATE_FILE_MODE } from '../../../common/private-files';

/** The multipart fields besides the file: small values, a handful of them. */
const FIELD_LIMITS = { fields: 8, fieldSize: 64 * 1024, fieldNameSize: 64, parts: 10, headerPairs: 50 };
/** Multipart headers and the small fields around the file; a Content-Length past cap plus this is refused unread. */
const MULTIPART_OVERHEAD = 256 * 1024;
/** After refusing an upload, the rest of the body is read and dropped this long, so the client can read the answer. */
const DRAIN_BEFORE_CLOSE_MS = 5_000;

export interface ReceivedUpload {
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the file as received. */
  sha256: string;
  fields: Record<string, string>;
}

export interface UploadTarget {
  /** Where the file is written (0600); it is removed again when the upload fails. */
  path: string;
  maxBytes: number;
  onProgress: (receivedBytes: number, fileName: string) => void;
}

export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE, `The archive is larger than this server accepts (${maxBytes} bytes, IMPORT_MAX_BYTES)`);
}

/**
 * Streams the `file` part of a multipart/form-data request to `target.path` (never into memory),
 * hashing it on the way and counting its bytes against the cap; the other parts are collected as
 * text fields. A refused upload leaves no file behind, and its connection is closed once the client
 * has had the answer, so a 20 GiB body past the cap is not read to its end.
 */
export async function receiveArchiveUpload(request: Request, response: Response, target: UploadTarget): Promise<ReceivedUpload> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > target.maxBytes + MULTIPART_OVERHEAD) {
    closeAfterAnswer(request, response);
    throw payloadTooLarge(target.maxBytes);
  }
  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({ headers: request.headers, limits: { ...FIELD_LIMITS, files: 1, fileSize: target.maxBytes } });
  } catch {
    throw invalidFormat('Send the archive as multipart/form-data with the file in a part named "file"', [{ field: 'file', messages: ['multipart/form-data expected'] }]);
  }
  const fields: Record<string, string> = {};
  let received: Promise<{ fileName: string; bytes: number; sha256: string }> | undefined;
  // Unpiped after a refusal, the file part never ends by itself: aborting closes the file being written.
  const writing = new AbortController();
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('field', (name, value) => {
        fields[name] = value;
      });
      parser.on('file', (name, stream, info) => {
        if (name !== 'file' || received) {
          stream.resume();
          reject(invalidFormat('Only one file, in a part named "file", is accepted', [{ field: name, messages: ['unexpected file part'] }]));
          return;
        }
        stream.on('limit', () => reject(payloadTooLarge(target.maxBytes)));
        received = writeFile(stream, target, info.filename ?? 'archive.zip', writing.signal);
        received.catch(reject);
      });
      parser.on('filesLimit', () => reject(invalidFormat('Only one file is accepted', [{ field: 'file', messages: ['one file only'] }])));
      parser.on('fieldsLimit', () => reject(invalidFormat('Too many form fields')));
      parser.on('partsLimit', () => reject(invalidFormat('Too many form parts')));
      parser.on('error', (error: Error) => reject(invalidFormat(`The multipart body is malformed (${error.message})`)));
      parser.on('close', () => resolve());
      request.on('aborted', () => reject(invalidFormat('The upload was interrupted')));
      request.pipe(parser);
    });
    if (!received) throw invalidFormat('The archive is missing: send it in a part named "file"', [{ field: 'file', messages: ['file is required'] }]);
    return { ...(await received), fields };
  } catch (error) {
    request.unpipe(parser);
    writing.abort();
    if (error instanceof ApiError && error.code === ErrorCode.PAYLOAD_TOO_LARGE) closeAfterAnswer(request, response);
    else request.resume();
    await received?.catch(() => undefined);
    await rm(target.path, { force: true });
    throw error;
  }
}

async function writeFile(
  stream: Readable & { truncated?: boolean },
  target: UploadTarget,
  fileName: string,
  signal: AbortSignal,
): Promise<{ fileName: string; bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      target.onProgress(bytes, fileName);
      callback(null, chunk);
    },
  });
  let overCap = false;
  stream.on('limit', () => {
    overCap = true;
  });
  await pipeline(stream, tap, createWriteStream(target.path, { mode: PRIVATE_FILE_MODE }), { signal });
  if (overCap || stream.truncated) throw payloadTooLarge(target.maxBytes);
  return { fileName, bytes, sha256: hash.digest('hex') };
}

/** The answer goes out with `Connection: close`; what is left of the body is dropped, then the socket closes. */
function closeAfterAnswer(request: Request, response: Response): void {
  response.setHeader('Connection', 'close');
  request.resume();
  response.once('finish', () => setTimeout(() => request.socket.destroy(), DRAIN_BEFORE_CLOSE_MS).unref());
}
