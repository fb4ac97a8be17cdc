import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiAnswer } from './api';

/** The multipart form-data framing around the file: the text fields and the file part's headers, then the closing boundary. */
function framing(boundary: string, fields: Record<string, string>): { head: Buffer; tail: Buffer } {
  let head = '';
  for (const [name, value] of Object.entries(fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="archive.zip"\r\nContent-Type: application/zip\r\n\r\n`;
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

/** The body: the framing's head, the file streamed from disk (never read whole), its tail. */
async function* formBody(head: Buffer, path: string, tail: Buffer): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) yield chunk as Buffer;
  yield tail;
}

/**
 * `POST /api/export/import` with the archive at `path`, as a browser's FormData sends it (fields, then
 * the file), with its Content-Length, so the service's size check sees the real figure.
 */
export async function uploadArchive(base: string, token: string, path: string, fields: Record<string, string>): Promise<ApiAnswer<{ jobId: string }>> {
  const boundary = `bench-${randomUUID()}`;
  const { head, tail } = framing(boundary, fields);
  const length = head.length + (await stat(path)).size + tail.length;
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/export/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ApiAnswer<{ jobId: string }>['body'], text });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { success: false, data: { jobId: '' }, error: text.slice(0, 200) }, text });
        }
      });
    });
    pipeline(Readable.from(formBody(head, path, tail)), req).catch(reject);
  });
}
