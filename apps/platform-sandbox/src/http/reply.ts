import type { ServerResponse } from 'node:http';

/**
 * Handlers return a Reply instead of writing to the socket, so that a fault can still rewrite the
 * body (null items, a repeated cursor, a 10 MB title) or change how the bytes go out.
 */
export type Body =
  | { type: 'json'; value: unknown; style: 'google' | 'plain' }
  | { type: 'bytes'; value: Buffer }
  | { type: 'text'; value: string }
  | { type: 'empty' };

export type Delivery =
  | { mode: 'normal' }
  /** Content-Length promises the whole body; the connection closes part-way. */
  | { mode: 'truncate'; fraction: number }
  | { mode: 'slow'; chunkBytes: number; delayMs: number }
  /** A Content-Length far beyond the body (5 GB by default), then the connection closes. */
  | { mode: 'hugeLength'; claimedBytes: number }
  | { mode: 'hang' }
  | { mode: 'reset' };

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Body;
  delivery?: Delivery;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: { type: 'json', value, style: 'google' },
  };
}

export function plainJsonReply(status: number, value: unknown): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: { type: 'json', value, style: 'plain' },
  };
}

export function htmlReply(status: number, html: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=UTF-8', ...headers }, body: { type: 'text', value: html } };
}

export function bytesReply(status: number, bytes: Buffer, contentType: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': contentType, ...headers }, body: { type: 'bytes', value: bytes } };
}

export function redirectReply(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: { type: 'empty' } };
}

/**
 * Google's JSON: two-space indentation unless prettyPrint=false, and <, >, &, = and ' written as
 * \u003c-style escapes (e.g. "\u003ca href=…\u003e" in quota errors). Those characters can only occur
 * inside JSON strings, so escaping the serialised text is safe.
 */
const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '=': '\\u003d',
  "'": '\\u0027',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function serializeGoogleJson(value: unknown, pretty: boolean): string {
  const text = JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null';
  return text.replace(/[<>&='\u2028\u2029]/g, (char) => ESCAPES[char]);
}

export function bodyBytes(body: Body, pretty: boolean): Buffer {
  switch (body.type) {
    case 'json':
      return Buffer.from(
        body.style === 'google' ? serializeGoogleJson(body.value, pretty) : JSON.stringify(body.value, null, 2),
        'utf8',
      );
    case 'bytes':
      return body.value;
    case 'text':
      return Buffer.from(body.value, 'utf8');
    case 'empty':
      return Buffer.alloc(0);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes a reply, honouring the delivery mode a fault may have chosen. */
export async function sendReply(res: ServerResponse, reply: Reply, pretty: boolean, headOnly: boolean): Promise<void> {
  const delivery = reply.delivery ?? { mode: 'normal' };
  if (delivery.mode === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (delivery.mode === 'hang') return; // the socket stays open until the client gives up or close()
  const bytes = bodyBytes(reply.body, pretty);
  const headers: Record<string, string | number> = { ...reply.headers };
  headers['content-length'] = delivery.mode === 'hugeLength' ? delivery.claimedBytes : bytes.length;
  res.writeHead(reply.status, headers);
  if (headOnly) {
    res.end();
    return;
  }
  switch (delivery.mode) {
    case 'normal':
      res.end(bytes);
      return;
    case 'truncate': {
      const cut = Math.max(1, Math.min(bytes.length - 1, Math.floor(bytes.length * delivery.fraction)));
      res.write(bytes.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    case 'hugeLength':
      res.write(bytes, () => res.socket?.destroy());
      return;
    case 'slow':
      for (let offset = 0; offset < bytes.length; offset += delivery.chunkBytes) {
        if (res.destroyed) return;
        res.write(bytes.subarray(offset, offset + delivery.chunkBytes));
        await sleep(delivery.delayMs);
      }
      res.end();
      return;
  }
}
