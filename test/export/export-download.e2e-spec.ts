import { randomBytes, randomUUID } from 'node:crypto';
import { Server, createServer, get } from 'node:http';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import { DownloadLinks } from '../../apps/api/src/modules/export/download-link';
import { FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { ExportUser, exportState, finished, startExport, waitFor } from '../support/export-client';
import { newAddress } from '../support/auth-helpers';
import { pacer } from '../support/pacing';
import { connectedUser } from './export-support';

/** Buffers a response body as raw bytes, whatever its type. */
const binary = (test: Test): Test =>
  test.buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => callback(null, Buffer.concat(chunks)));
  });

const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface DownloadOptions {
  auth?: { Authorization: string };
  /** A `Cookie` header. */
  cookie?: string;
  /** `?token=…`, or a whole link URL with `url`. */
  query?: string;
  url?: string;
  range?: string;
  /** Other request headers: validators, If-Range. */
  headers?: Record<string, string>;
  method?: 'get' | 'head';
}

/** The body of a JSON answer that was buffered as bytes. */
const json = (res: Response): Record<string, unknown> => JSON.parse((res.body as Buffer).toString('utf8')) as Record<string, unknown>;

/** Downloading a finished archive: headers, ranges, signed links, other users, dropped clients. */
describe('Export download', () => {
  const fixture = new FixtureAdapter();
  let t: TestApp;
  let a: ExportUser & { email: string; password: string };
  let b: ExportUser;
  /** A's two archives, and B's one. */
  let first: string;
  let second: string;
  let bExport: string;
  let archive: Buffer;
  let day: string;
  /** An export with a few megabytes of media, larger than any socket buffer. */
  let big: string;
  let media: Server;
  /** The download route authenticates in its handler, so its rate limit counts by client address. */
  const paceDownloads = pacer();

  const download = async (id: string, options: DownloadOptions = {}): Promise<Response> => {
    await paceDownloads();
    let test = request(t.url)[options.method ?? 'get'](options.url ?? `/api/export/${id}/download${options.query ?? ''}`);
    if (options.auth) test = test.set(options.auth);
    if (options.headers) test = test.set(options.headers);
    if (options.cookie) test = test.set('Cookie', options.cookie);
    if (options.range) test = test.set('Range', options.range);
    return binary(test);
  };

  beforeAll(async () => {
    const image = randomBytes(2 * 1024 * 1024);
    media = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(image));
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    const mediaHost = `127.0.0.1:${(media.address() as { port: number }).port}`;
    t = await startTestApp({ TRUST_PROXY: '1', MEDIA_ALLOWED_HOSTS: mediaHost }, [fixture]);
    [a, b] = [await connectedUser(t), await connectedUser(t)];
    fixture.reset({ totals: { posts: 3_000, photos: 200 } });
    first = await startExport(t, a, { format: 'json' });
    second = await startExport(t, a, { format: 'csv' });
    bExport = await startExport(t, b, { format: 'json' });
    for (const [user, id] of [[a, first], [a, second], [b, bExport]] as const) {
      expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    }
    fixture.reset({ totals: { posts: 3, photos: 0 }, mediaUrl: `http://${mediaHost}/image.png` });
    big = await startExport(t, a, { format: 'json', options: { includeMedia: true } });
    for (const [user, id] of [[a, big]] as const) {
      expect((await waitFor(t, user, id, finished)).status).toBe('completed');
    }
    const state = await exportState(t, a, first);
    day = (state.completedAt as string).slice(0, 10);
    const full = await download(first, { auth: a.auth });
    expect(full.status).toBe(200);
    archive = full.body as Buffer;
    expect(archive.length).toBe(state.fileSize);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => media?.close(resolve));
  });

  it('serves the ZIP with its name, length, validator and no caching', async () => {
    const res = await download(first, { auth: a.auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(archive);
    expect(archive.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-length']).toBe(String(archive.length));
    expect(res.headers['etag']).toEqual(expect.any(String));
    expect(res.headers['last-modified']).toEqual(expect.any(String));
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const disposition = res.headers['content-disposition'];
    expect(DATE.test(day)).toBe(true);
    expect(disposition.startsWith('attachment;')).toBe(true);
    expect(disposition.match(/;\s*filename=/g)).toHaveLength(1);
    expect(disposition.match(/;\s*filename\*=/g)).toHaveLength(1);
    expect(disposition).toContain(`filename="fixture-export-${day}.zip"`);
    expect(disposition).toContain(`filename*=UTF-8''fixture-export-${day}.zip`);
  });

  it('answers a byte range with 206 and exactly those bytes', async () => {
    const head = await download(first, { auth: a.auth, range: 'bytes=0-99' });
    expect(head.status).toBe(206);
    expect(head.headers['content-range']).toBe(`bytes 0-99/${archive.length}`);
    expect(head.headers['content-length']).toBe('100');
    expect(head.body).toEqual(archive.subarray(0, 100));

    const tail = await download(first, { auth: a.auth, range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes ${archive.length - 100}-${archive.length - 1}/${archive.length}`);
    expect(tail.body).toEqual(archive.subarray(archive.length - 100));

    // Resuming from the middle, the way a browser continues a broken download.
    const from = Math.floor(archive.length / 2);
    const rest = await download(first, { auth: a.auth, range: `bytes=${from}-` });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([archive.subarray(0, from), rest.body as Buffer])).toEqual(archive);
  });

  it('answers a range past the end with 416 and the size, and ignores a malformed one', async () => {
    const past = await download(first, { auth: a.auth, range: 'bytes=999999999-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${archive.length}`);
    // The answer is the error envelope, not a (broken) archive.
    expect(past.headers['content-type']).toMatch(/^application\/json/);
    expect(past.headers['content-disposition']).toBeUndefined();
    expect(json(past)).toMatchObject({ success: false, code: expect.any(String) });

    const malformed = await download(first, { auth: a.auth, range: 'bytes=abc' });
    expect(malformed.status).toBe(200);
    expect(malformed.body).toEqual(archive);
    const otherUnit = await download(first, { auth: a.auth, range: 'items=0-1' });
    expect(otherUnit.status).toBe(200);
    expect(otherUnit.body).toEqual(archive);
  });

  it('answers validators with 304, resumes only an unchanged file, and serves several ranges as the whole file', async () => {
    const full = await download(first, { auth: a.auth });
    const etag = full.headers['etag'];
    const lastModified = full.headers['last-modified'];
    const unchanged = await download(first, { auth: a.auth, headers: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toEqual(Buffer.alloc(0));
    expect((await download(first, { auth: a.auth, headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
    expect((await download(first, { auth: a.auth, headers: { 'If-None-Match': 'W/"other"' } })).status).toBe(200);

    // A browser resuming a download names the file it holds part of: the same file resumes, another starts over.
    const resumed = await download(first, { auth: a.auth, range: 'bytes=10-', headers: { 'If-Range': etag } });
    expect(resumed.status).toBe(206);
    expect(resumed.body).toEqual(archive.subarray(10));
    const changed = await download(first, { auth: a.auth, range: 'bytes=10-', headers: { 'If-Range': 'W/"1-1"' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(archive);

    const several = await download(first, { auth: a.auth, range: 'bytes=0-9,100-109' });
    expect(several.status).toBe(200);
    expect(several.body).toEqual(archive);
  });

  it('answers HEAD with the headers of the download', async () => {
    const head = await download(first, { auth: a.auth, method: 'head' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(archive.length));
    expect(head.headers['content-type']).toBe('application/zip');
    expect(head.headers['content-disposition']).toContain(`filename="fixture-export-${day}.zip"`);
    const part = await download(first, { auth: a.auth, method: 'head', range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers['content-length']).toBe('100');
  });

  it('downloads through a signed link without an Authorization header', async () => {
    await a.pace();
    const link = await request(t.url).post(`/api/export/${first}/download-link`).set(a.auth).expect(201);
    const data = link.body.data as { url: string; expiresAt: string };
    expect(Object.keys(data).sort()).toEqual(['expiresAt', 'url']);
    expect(data.url).toMatch(new RegExp(`^/api/export/${first}/download\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    const expiresIn = new Date(data.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const res = await download(first, { url: data.url });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(archive);
    expect(res.headers['content-disposition']).toContain(`filename="fixture-export-${day}.zip"`);
    expect(res.headers['cache-control']).toBe('private, no-store');
    // A link works for ranges too, and more than once while it is valid.
    const part = await download(first, { url: data.url, range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.body).toEqual(archive.subarray(0, 10));
  });

  it('refuses a link for another export, a tampered link and an expired one', async () => {
    await a.pace();
    const link = await request(t.url).post(`/api/export/${first}/download-link`).set(a.auth).expect(201);
    const token = new URL(link.body.data.url as string, t.url).searchParams.get('token') as string;
    const [body, signature] = token.split('.');
    const flip = (text: string, at: number): string => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { e: string; u: string; s: string; x: number };
    const forged = (changes: Partial<typeof claims>): string => `${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url')}.${signature}`;
    const expired = t.app.get(DownloadLinks).create(first, { userId: a.session.user.id, sessionId: claims.s }, Date.now() - 3_600_000).token;

    const refused = [
      [second, token], // A's link for `first`, on A's other export
      [bExport, token], // ... and on B's export
      [first, `${body}.${flip(signature, 3)}`],
      [first, `${flip(body, 5)}.${signature}`],
      [first, forged({ x: claims.x + 86_400 })],
      [second, forged({ e: second })],
      [first, expired],
      [first, `${token}.extra`],
      [first, ''],
      [first, 'x'.repeat(5_000)],
    ];
    const bodies = new Set<string>();
    for (const [id, candidate] of refused) {
      const answer = await download(id, { query: `?token=${encodeURIComponent(candidate)}` });
      expect(answer.status).toBe(401);
      expect(json(answer)).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
      bodies.add((answer.body as Buffer).toString('utf8'));
    }
    // One answer for every way a link can be wrong.
    expect(bodies.size).toBe(1);
    // A bad link is not rescued by a good bearer token either: the link is what was presented.
    const both = await download(first, { auth: a.auth, query: `?token=${encodeURIComponent(expired)}` });
    expect(both.status).toBe(401);
  });

  it('downloads with the cookie that signing in sets, which no other route accepts and logging out clears', async () => {
    const login = await request(t.url).post('/api/auth/login').set('X-Forwarded-For', newAddress()).send({ email: a.email, password: a.password }).expect(200);
    const session = login.body.data as { token: string; refreshToken: string };
    // The spec's client reads the token from the top level of the answer.
    expect(login.body.token).toBe(session.token);
    const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const issued = setCookie.find((header) => header.startsWith('star_export_download='));
    const attributes = issued?.split('; ') ?? [];
    expect(attributes.filter((attribute) => !attribute.startsWith('Expires=')).sort()).toEqual(
      [`star_export_download=${session.token}`, 'HttpOnly', 'Max-Age=900', 'Path=/api/export', 'SameSite=Strict'].sort(),
    );
    const cookie = `theme=dark; star_export_download=${session.token}`;

    const res = await download(first, { cookie });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(archive);
    // It is A's session: B's export is as unknown to it as to A's bearer token.
    expect((await download(bExport, { cookie })).status).toBe(404);
    // Every other route wants the Authorization header.
    const status = await request(t.url).get(`/api/export/${first}`).set('Cookie', cookie);
    expect(status.status).toBe(401);
    expect(status.body).toMatchObject({ success: false, code: 'AUTH_REQUIRED' });
    // A bad cookie is a bad token; a bearer header, when sent, is what counts.
    expect(json(await download(first, { cookie: 'star_export_download=nope' }))).toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await download(first, { cookie: 'star_export_download=nope', auth: a.auth })).status).toBe(200);

    const logout = await request(t.url).post('/api/auth/logout').set('X-Forwarded-For', newAddress()).send({ refreshToken: session.refreshToken }).expect(200);
    const cleared = ([] as string[]).concat(logout.headers['set-cookie'] ?? []).find((header) => header.startsWith('star_export_download='));
    expect(cleared).toMatch(/^star_export_download=; Path=\/api\/export; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    // A copy kept from before is dead with its session.
    expect((await download(first, { cookie })).status).toBe(401);
  });

  it("answers B's download of A's export exactly like a download of no export at all", async () => {
    const foreign = await download(first, { auth: b.auth });
    const missing = await download(randomUUID(), { auth: b.auth });
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    expect(json(foreign)).toEqual({ success: false, error: expect.any(String), code: 'EXPORT_NOT_FOUND' });
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.headers['content-disposition']).toBeUndefined();
    // B holding a link token of A's cannot use it on B's own export, nor on A's other one.
    await a.pace();
    const link = await request(t.url).post(`/api/export/${first}/download-link`).set(a.auth).expect(201);
    const token = new URL(link.body.data.url as string, t.url).searchParams.get('token') as string;
    for (const id of [bExport, second]) {
      expect((await download(id, { auth: b.auth, query: `?token=${token}` })).status).toBe(401);
    }
    // Nor can B ask for a link to A's export.
    await b.pace();
    const linkForeign = await request(t.url).post(`/api/export/${first}/download-link`).set(b.auth).expect(404);
    await b.pace();
    const linkMissing = await request(t.url).post(`/api/export/${randomUUID()}/download-link`).set(b.auth).expect(404);
    expect(linkForeign.text).toBe(linkMissing.text);
  });

  it('needs some authentication', async () => {
    const anonymous = await download(first);
    expect(anonymous.status).toBe(401);
    expect(json(anonymous)).toMatchObject({ success: false, code: 'AUTH_REQUIRED' });
    for (const Authorization of ['Bearer nope', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${a.session.refreshToken}`]) {
      const res = await download(first, { auth: { Authorization } });
      expect(res.status).toBe(401);
      expect(json(res)).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    }
  });

  it('stays healthy when clients drop downloads midway', async () => {
    const whole = await download(big, { auth: a.auth });
    expect(whole.status).toBe(200);
    expect((whole.body as Buffer).length).toBeGreaterThan(6 * 1024 * 1024);
    const url = new URL(`/api/export/${big}/download`, t.url);
    for (let i = 0; i < 5; i += 1) {
      await paceDownloads();
      const received = await new Promise<number>((resolve, reject) => {
        const req = get(url, { headers: a.auth }, (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.length);
          });
          res.once('error', () => undefined);
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') reject(error);
        });
      });
      expect(received).toBeLessThan((whole.body as Buffer).length);
    }
    await request(t.url).get('/api/health').expect(200);
    const again = await download(big, { auth: a.auth });
    expect(again.status).toBe(200);
    // Buffer.equals: Jest's deep equality walks megabytes byte by byte.
    expect((again.body as Buffer).equals(whole.body as Buffer)).toBe(true);
  });
});
