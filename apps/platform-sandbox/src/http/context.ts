import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}
export class BadBodyError extends Error {}

/** One incoming request: parsed URL, lazily read body, and the credentials it carries. */
export class RequestContext {
  readonly url: URL;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  private bodyPromise: Promise<Buffer> | null = null;

  constructor(readonly req: IncomingMessage) {
    const raw = req.url ?? '/';
    // Concatenate rather than resolve, so that "//host/path" stays a path instead of becoming a host.
    this.url = raw.startsWith('/') ? new URL(`http://sandbox.invalid${raw}`) : new URL(raw, 'http://sandbox.invalid');
    this.method = (req.method ?? 'GET').toUpperCase();
    this.path = this.url.pathname;
    this.query = this.url.searchParams;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The token of an `Authorization: Bearer` header, or null when there is none. */
  bearer(): string | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(this.header('authorization') ?? '');
    return match ? match[1] : null;
  }

  body(): Promise<Buffer> {
    this.bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`));
          this.req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
    return this.bodyPromise;
  }

  /**
   * Form parameters of a POST: application/x-www-form-urlencoded, or a flat JSON object, which
   * Google's token endpoint also accepts.
   */
  async form(): Promise<URLSearchParams> {
    const raw = (await this.body()).toString('utf8');
    if (/^application\/json\b/i.test(this.header('content-type') ?? '')) {
      const parsed = parseJson(raw);
      const form = new URLSearchParams();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
            form.set(key, String(value));
          }
        }
      }
      return form;
    }
    return new URLSearchParams(raw);
  }

  /** A JSON body for the admin API; an empty body is an empty object. */
  async json(): Promise<Record<string, unknown>> {
    const raw = (await this.body()).toString('utf8').trim();
    if (raw === '') return {};
    const parsed = parseJson(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BadBodyError('the body must be a JSON object');
    }
    return parsed as Record<string, unknown>;
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BadBodyError('the body is not valid JSON');
  }
}
