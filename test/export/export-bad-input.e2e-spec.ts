import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { registerUser } from '../support/auth-helpers';
import { FIXTURE, FixtureAdapter, JSON_ONLY_FIXTURE, JsonOnlyFixtureAdapter } from '../support/fixture-adapter';
import { TestApp, startTestApp } from '../support/test-app';
import { ExportCaller, ExportUser, exportState, finished, startExport, waitFor } from '../support/export-client';
import { pacer, sleep } from '../support/pacing';
import { connectedUser } from './export-support';

/** What a stack trace or an internal path looks like in a body. */
const LEAK = /\n\s+at |node_modules|\/src\/|\.[jt]s:\d+|QueryFailedError|TypeError|ReferenceError/;

interface Detail {
  field: string;
  messages: string[];
}

/**
 * The bad-input matrix of the export routes (reliability-security.md §9, rows 20–37 where they are
 * HTTP): every wrong request gets the error envelope with the right status and code, the field at
 * fault named in `details`, nothing created, never a 500 and never a stack trace.
 */
describe('Export bad-input matrix', () => {
  const fixture = new FixtureAdapter();
  const jsonOnly = new JsonOnlyFixtureAdapter();
  let t: TestApp;
  let db: DataSource;
  let a: ExportUser;
  let b: ExportUser;
  /** A's finished export, the target of B's attempts. */
  let completed: string;
  const paceAnonymous = pacer();

  /** Every answer in this file passes through here. */
  const checked = (res: Response): Response => {
    expect(res.status).not.toBe(500);
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.body).toMatchObject({ success: false, error: expect.any(String), code: expect.any(String) });
    }
    expect(res.text ?? '').not.toMatch(LEAK);
    return res;
  };

  const start = async (user: ExportCaller, body: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    await user.pace();
    return checked(await request(t.url).post('/api/export/start').set(user.auth).set(headers).send(body as object));
  };

  const call = async (user: ExportCaller, method: 'get' | 'post', path: string): Promise<Response> => {
    await user.pace();
    return checked(await request(t.url)[method](path).set(user.auth));
  };

  const invalid = (res: Response, field?: string): void => {
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_FORMAT');
    if (field) expect((res.body.details as Detail[] | undefined)?.map((detail) => detail.field)).toContain(field);
  };

  const rowsOf = async (user: ExportCaller): Promise<number> => {
    const [{ count }]: { count: string }[] = await db.query('SELECT count(*) AS count FROM export_jobs WHERE user_id = $1', [user.session.user.id]);
    return Number(count);
  };

  const pagesServed = (): number => [...fixture.served.values()].reduce((sum, count) => sum + count, 0);

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' }, [fixture, jsonOnly]);
    db = t.app.get(DataSource);
    [a, b] = [await connectedUser(t), await connectedUser(t)];
    fixture.reset({ totals: { posts: 60, photos: 0 } });
    completed = await startExport(t, a, { format: 'json' });
    expect((await waitFor(t, a, completed, finished)).status).toBe('completed');
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => fixture.reset({ totals: { posts: 60, photos: 0 } }));

  describe('POST /api/export/start', () => {
    it('row 20: refuses unknown or disguised platform names', async () => {
      const before = await rowsOf(a);
      for (const platform of ['myspace', 'YouTube ', 'youtube\u0000', ' youtube', 'YOUTUBE', 'you tube', '../youtube', '', 'x'.repeat(1_000), 42, null, ['youtube'], { name: 'youtube' }]) {
        invalid(await start(a, { platform, format: 'json' }), 'platform');
      }
      invalid(await start(a, { format: 'json' }), 'platform');
      expect(await rowsOf(a)).toBe(before);
    });

    it('row 21: answers 409 PLATFORM_NOT_CONNECTED for a known platform the user has not connected', async () => {
      const { session } = await registerUser(t);
      const stranger: ExportCaller = { session, auth: { Authorization: `Bearer ${session.token}` }, pace: pacer() };
      for (const platform of [FIXTURE, 'youtube']) {
        const res = await start(stranger, { platform, format: 'json' });
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('PLATFORM_NOT_CONNECTED');
      }
      expect(await rowsOf(stranger)).toBe(0);
    });

    it('row 22: refuses a format the platform does not offer, or no format at all', async () => {
      invalid(await start(a, { platform: JSON_ONLY_FIXTURE, format: 'csv' }), 'format');
      invalid(await start(a, { platform: JSON_ONLY_FIXTURE, format: 'html' }), 'format');
      for (const format of ['exe', 'zip', 'JSON', 'json ', '', 1, null, ['json']]) {
        invalid(await start(a, { platform: FIXTURE, format }), 'format');
      }
      invalid(await start(a, { platform: FIXTURE }), 'format');
    });

    it('row 23: refuses a date range that is reversed, in the future, not ISO or not a real day', async () => {
      const range = (dateRange: unknown): object => ({ platform: FIXTURE, format: 'json', options: { dateRange } });
      invalid(await start(a, range({ start: '2023-12-31', end: '2023-01-01' })), 'options.dateRange');
      invalid(await start(a, range({ start: '2999-01-01', end: '2999-12-31' })), 'options.dateRange.start');
      for (const start_ of ['01/02/2023', '2023-1-5', '2023-01-01T00:00:00Z', '20230101', 'yesterday', '', 20230101, null]) {
        invalid(await start(a, range({ start: start_, end: '2023-12-31' })), 'options.dateRange.start');
      }
      invalid(await start(a, range({ start: '2023-02-01', end: '2023-02-30' })), 'options.dateRange.end');
      invalid(await start(a, range({ start: '2023-02-29', end: '2023-03-01' })), 'options.dateRange.start');
      invalid(await start(a, range({ start: '2023-01-01' })), 'options.dateRange.end');
      invalid(await start(a, range('2023-01-01/2023-12-31')), 'options.dateRange');
      // A real leap day is fine.
      const leap = await start(a, range({ start: '2024-02-29', end: '2024-03-01' }));
      expect(leap.status).toBe(201);
      await waitFor(t, a, leap.body.data.jobId as string, finished);
    });

    it('refuses arrays where objects belong, instead of ignoring them', async () => {
      const before = await rowsOf(a);
      for (const options of [[], [{ maxRecords: 5 }], 'maxRecords=5', 5, true]) {
        invalid(await start(a, { platform: FIXTURE, format: 'json', options }), 'options');
      }
      for (const dateRange of [[], ['2023-01-01', '2023-12-31'], [{ start: '2023-01-01', end: '2023-12-31' }]]) {
        invalid(await start(a, { platform: FIXTURE, format: 'json', options: { dateRange } }), 'options.dateRange');
      }
      expect(await rowsOf(a)).toBe(before);
    });

    it('refuses days before 2004-01-01 or after tomorrow, saying which range is allowed', async () => {
      const before = await rowsOf(a);
      const range = (start: string, end: string): object => ({ platform: FIXTURE, format: 'json', options: { dateRange: { start, end } } });
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      for (const start_ of ['0000-01-01', '0001-01-01', '1970-01-01', '2003-12-31']) {
        const res = await start(a, range(start_, '2023-12-31'));
        invalid(res, 'options.dateRange.start');
        expect(res.body.details).toContainEqual({ field: 'options.dateRange.start', messages: [expect.stringContaining('2004-01-01')] });
      }
      for (const end of [later, '9999-12-31']) invalid(await start(a, range('2023-01-01', end)), 'options.dateRange.end');
      expect(await rowsOf(a)).toBe(before);
      // The bounds themselves are days one may ask for.
      const widest = await start(a, range('2004-01-01', tomorrow));
      expect(widest.status).toBe(201);
      await waitFor(t, a, widest.body.data.jobId as string, finished);
    });

    it('row 25: refuses maxRecords that is not a whole number from 1 to the cap', async () => {
      const before = await rowsOf(a);
      for (const maxRecords of [-1, 0, 1.5, '100', 1e12, 2 ** 53 + 1, true, [10], { n: 1 }]) {
        invalid(await start(a, { platform: FIXTURE, format: 'json', options: { maxRecords } }), 'options.maxRecords');
      }
      expect(await rowsOf(a)).toBe(before);
    });

    it('treats options set to null as not set: maxRecords null exports everything', async () => {
      const res = await start(a, { platform: FIXTURE, format: 'json', options: { maxRecords: null, dateRange: null, includeMedia: null, collections: null } });
      expect(res.status).toBe(201);
      const done = await waitFor(t, a, res.body.data.jobId as string, finished);
      expect(done).toMatchObject({ status: 'completed', processedItems: 60, totalItems: 60 });
    });

    it('row 26: refuses fields a client may not set, at the top level and inside options, and requests nothing', async () => {
      const before = await rowsOf(a);
      const served = pagesServed();
      const forbidden: Record<string, unknown> = {
        userId: b.session.user.id,
        status: 'completed',
        filePath: '/etc/passwd',
        downloadUrl: 'https://evil.example/x.zip',
        id: randomUUID(),
        progress: 100,
      };
      for (const [field, value] of Object.entries(forbidden)) {
        invalid(await start(a, { platform: FIXTURE, format: 'json', [field]: value }), field);
        invalid(await start(a, { platform: FIXTURE, format: 'json', options: { [field]: value } }), `options.${field}`);
      }
      invalid(await start(a, { platform: FIXTURE, format: 'json', options: { dateRange: { start: '2023-01-01', end: '2023-12-31', userId: 'x' } } }), 'options.dateRange.userId');
      // A raw body with a __proto__ key: refused too, and nothing polluted.
      await a.pace();
      const proto = checked(
        await request(t.url)
          .post('/api/export/start')
          .set(a.auth)
          .set('Content-Type', 'application/json')
          .send('{"platform":"fixture","format":"json","__proto__":{"status":"completed","userId":"x"}}'),
      );
      expect(proto.status).toBe(400);
      expect(({} as Record<string, unknown>).status).toBeUndefined();
      expect(await rowsOf(a)).toBe(before);
      expect(pagesServed()).toBe(served);
    });

    it('row 27: refuses a 4th active export with TOO_MANY_EXPORTS, and a burst of starts with RATE_LIMIT_EXCEEDED', async () => {
      const c = await connectedUser(t);
      fixture.reset({ totals: { posts: 5_000, photos: 0 }, pageDelayMs: 200 });
      const active = [await startExport(t, c, { format: 'json' }), await startExport(t, c, { format: 'csv' }), await startExport(t, c, { format: 'html' })];
      const fourth = await start(c, { platform: FIXTURE, format: 'json' });
      expect(fourth.status).toBe(429);
      expect(fourth.body.code).toBe('TOO_MANY_EXPORTS');
      expect(await rowsOf(c)).toBe(3);
      // Cancelling one frees its place.
      await call(c, 'post', `/api/export/${active[0]}/cancel`);
      const replacement = await start(c, { platform: FIXTURE, format: 'json' });
      expect(replacement.status).toBe(201);
      for (const id of [...active.slice(1), replacement.body.data.jobId as string]) {
        expect((await call(c, 'post', `/api/export/${id}/cancel`)).status).toBe(200);
      }

      // Twelve starts at once from one user: the 11th and later are refused, each with Retry-After.
      const burst = await connectedUser(t);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => request(t.url).post('/api/export/start').set(burst.auth).send({ platform: 'myspace', format: 'json' })),
      );
      answers.forEach(checked);
      const limited = answers.filter((res) => res.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(2);
      expect(answers.filter((res) => res.status === 400).length).toBeLessThanOrEqual(10);
      for (const res of limited) {
        expect(res.body.code).toBe('RATE_LIMIT_EXCEEDED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(await rowsOf(burst)).toBe(0);
    });

    it('Idempotency-Key: a retried start returns the same export, once; a malformed key is refused', async () => {
      const c = await connectedUser(t);
      const key = `retry-${randomUUID()}`;
      const firstTry = await start(c, { platform: FIXTURE, format: 'json' }, { 'Idempotency-Key': key });
      const secondTry = await start(c, { platform: FIXTURE, format: 'json' }, { 'Idempotency-Key': key });
      expect(firstTry.status).toBe(201);
      expect(secondTry.status).toBe(201);
      expect(secondTry.body.data.jobId).toBe(firstTry.body.data.jobId);
      // A double click: the same key sent three times at once.
      const doubleKey = `click-${randomUUID()}`;
      // Three requests at once, in a rate-limit window of their own.
      await sleep(1_000);
      const clicks = await Promise.all(
        [0, 1, 2].map(() => request(t.url).post('/api/export/start').set(c.auth).set('Idempotency-Key', doubleKey).send({ platform: FIXTURE, format: 'csv' })),
      );
      clicks.forEach(checked);
      expect(clicks.map((res) => res.status)).toEqual([201, 201, 201]);
      expect(new Set(clicks.map((res) => res.body.data.jobId as string)).size).toBe(1);
      expect(await rowsOf(c)).toBe(2);
      await sleep(1_000);
      for (const bad of ['has space', 'x'.repeat(201), 'ümlaut', 'semi;colon', 'a/b', '']) {
        invalid(await start(c, { platform: FIXTURE, format: 'json' }, { 'Idempotency-Key': bad }));
      }
      expect(await rowsOf(c)).toBe(2);
      for (const id of [firstTry.body.data.jobId as string, clicks[0].body.data.jobId as string]) await waitFor(t, c, id, finished);
    });
    it('Idempotency-Key reused with a different body: 422 IDEMPOTENCY_KEY_REUSED, the first export untouched', async () => {
      const c = await connectedUser(t);
      const key = `reuse-${randomUUID()}`;
      const first = await start(c, { platform: FIXTURE, format: 'json', options: { maxRecords: 20 } }, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const jobId = first.body.data.jobId as string;
      for (const other of [
        { platform: FIXTURE, format: 'csv', options: { maxRecords: 20 } },
        { platform: FIXTURE, format: 'json', options: { maxRecords: 5 } },
        { platform: FIXTURE, format: 'json' },
        { platform: JSON_ONLY_FIXTURE, format: 'json', options: { maxRecords: 20 } },
      ]) {
        const res = await start(c, other, { 'Idempotency-Key': key });
        expect(res.status).toBe(422);
        expect(res.body).toEqual({ success: false, code: 'IDEMPOTENCY_KEY_REUSED', error: expect.stringMatching(/Idempotency-Key/) });
      }
      // The same request, written differently (key order, an unset option as null), is the same request.
      const again = await start(c, { options: { includeMedia: null, maxRecords: 20 }, format: 'json', platform: FIXTURE }, { 'Idempotency-Key': key });
      expect(again.status).toBe(201);
      expect(again.body.data.jobId).toBe(jobId);
      expect(await rowsOf(c)).toBe(1);
      const [row]: { fingerprint: string | null }[] = await db.query('SELECT idempotency_fingerprint AS fingerprint FROM export_jobs WHERE id = $1', [jobId]);
      expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(await waitFor(t, c, jobId, finished)).toMatchObject({ status: 'completed', processedItems: 20 });

      // Two different bodies racing on a fresh key: one export, and the other request is told why.
      await sleep(1_000);
      const raceKey = `race-${randomUUID()}`;
      const race = await Promise.all(
        ['json', 'csv'].map((format) => request(t.url).post('/api/export/start').set(c.auth).set('Idempotency-Key', raceKey).send({ platform: FIXTURE, format })),
      );
      race.forEach(checked);
      expect(race.map((res) => res.status).sort()).toEqual([201, 422]);
      expect(await rowsOf(c)).toBe(2);
      await waitFor(t, c, race.find((res) => res.status === 201)?.body.data.jobId as string, finished);
    });
  });

  describe('reading, cancelling and downloading', () => {
    it('row 28: refuses bad paging, filters and unknown parameters on the list', async () => {
      const cases: [string, string][] = [
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=abc', 'page'],
        ['page=1.5', 'page'],
        ['page=1&page=2', 'page'],
        ['limit=0', 'limit'],
        ['limit=51', 'limit'],
        ['limit=1e3', 'limit'],
        ['limit=-10', 'limit'],
        ['status=bogus', 'status'],
        ['status=COMPLETED', 'status'],
        ['platform=../../etc', 'platform'],
        ['sort=x', 'sort'],
        ['userId=x', 'userId'],
      ];
      for (const [query, field] of cases) invalid(await call(a, 'get', `/api/export?${query}`), field);
      const fine = await call(a, 'get', '/api/export?page=1&limit=50&status=completed&platform=fixture');
      expect(fine.status).toBe(200);
      expect(fine.body.data.pagination).toMatchObject({ page: 1, limit: 50 });
    });

    it('row 29: refuses ids that are not UUIDs on every export route', async () => {
      // A NUL (`%00`) never gets this far: test/security/nul-bytes refuses it for every route.
      for (const id of ['123', 'not-a-uuid', '..%2f..%2fetc%2fpasswd', `${randomUUID()}x`, "1'%20OR%20'1'='1"]) {
        invalid(await call(a, 'get', `/api/export/${id}`), 'jobId');
        invalid(await call(a, 'post', `/api/export/${id}/cancel`), 'jobId');
        invalid(await call(a, 'post', `/api/export/${id}/download-link`), 'jobId');
        invalid(await call(a, 'get', `/api/export/${id}/download`), 'jobId');
      }
    });

    it("row 30: answers B's requests for A's export exactly as for an export that does not exist", async () => {
      const missing = randomUUID();
      const routes: ['get' | 'post', (id: string) => string][] = [
        ['get', (id) => `/api/export/${id}`],
        ['post', (id) => `/api/export/${id}/cancel`],
        ['post', (id) => `/api/export/${id}/download-link`],
        ['get', (id) => `/api/export/${id}/download`],
      ];
      for (const [method, path] of routes) {
        const foreign = await call(b, method, path(completed));
        const absent = await call(b, method, path(missing));
        expect([foreign.status, absent.status]).toEqual([404, 404]);
        expect(foreign.body).toEqual({ success: false, error: 'Export job not found', code: 'EXPORT_NOT_FOUND' });
        expect(foreign.text).toBe(absent.text);
      }
      // A's export is untouched and B's list does not show it.
      expect((await exportState(t, a, completed)).status).toBe('completed');
      const list = await call(b, 'get', '/api/export?limit=50');
      expect((list.body.data.exports as { id: string }[]).map((item) => item.id)).not.toContain(completed);
    });

    it('rows 31 and 33: download only when completed; cancel a finished export 409, a cancelled one again 200', async () => {
      const c = await connectedUser(t);
      fixture.reset({ totals: { posts: 5_000, photos: 0 }, pageDelayMs: 200 });
      // Two running exports fill both worker slots, so the third stays queued.
      const running = [await startExport(t, c, { format: 'json' }), await startExport(t, c, { format: 'json' })];
      for (const id of running) await waitFor(t, c, id, (state) => state.status === 'processing');
      const queued = await startExport(t, c, { format: 'json' });
      expect((await exportState(t, c, queued)).status).toBe('queued');
      const notReady = async (id: string, status: string): Promise<void> => {
        const download = await call(c, 'get', `/api/export/${id}/download`);
        expect(download.status).toBe(409);
        expect(download.body).toMatchObject({ code: 'EXPORT_NOT_READY', error: expect.stringContaining(status) });
        const link = await call(c, 'post', `/api/export/${id}/download-link`);
        expect(link.status).toBe(409);
        expect(link.body.code).toBe('EXPORT_NOT_READY');
      };
      await notReady(queued, 'queued');
      await notReady(running[0], 'processing');
      for (const id of [queued, ...running]) {
        expect((await call(c, 'post', `/api/export/${id}/cancel`)).status).toBe(200);
        expect((await call(c, 'post', `/api/export/${id}/cancel`)).status).toBe(200);
      }
      await notReady(queued, 'cancelled');
      await notReady(running[1], 'cancelled');

      // Failed: the platform refused the credentials.
      const f = await connectedUser(t);
      fixture.reset({ totals: { posts: 100, photos: 0 }, faults: [{ collection: 'posts', page: 0, error: () => new CredentialsRejectedError(FIXTURE, 'invalid_grant'), times: 1 }] });
      const failed = await startExport(t, f, { format: 'json' });
      expect((await waitFor(t, f, failed, finished)).status).toBe('failed');
      const failedDownload = await call(f, 'get', `/api/export/${failed}/download`);
      expect(failedDownload.status).toBe(409);
      expect(failedDownload.body.code).toBe('EXPORT_NOT_READY');
      const cancelFailed = await call(f, 'post', `/api/export/${failed}/cancel`);
      expect(cancelFailed.status).toBe(409);
      expect(cancelFailed.body.code).toBe('EXPORT_ALREADY_FINISHED');

      // Completed: cancelling is refused, and the archive stays downloadable.
      const cancelCompleted = await call(a, 'post', `/api/export/${completed}/cancel`);
      expect(cancelCompleted.status).toBe(409);
      expect(cancelCompleted.body.code).toBe('EXPORT_ALREADY_FINISHED');
      expect((await exportState(t, a, completed)).status).toBe('completed');
      await paceAnonymous();
      expect((await call(a, 'get', `/api/export/${completed}/download`)).status).toBe(200);
    });

    it('row 35: no PUT, DELETE or TRACE; no CORS answer for a foreign origin', async () => {
      for (const method of ['put', 'patch', 'delete'] as const) {
        await a.pace();
        const res = checked(await request(t.url)[method](`/api/export/${completed}`).set(a.auth).send({ status: 'cancelled' }));
        expect([404, 405]).toContain(res.status);
        expect(['NOT_FOUND', 'METHOD_NOT_ALLOWED']).toContain(res.body.code);
      }
      for (const path of ['/', '/api/export']) {
        await paceAnonymous();
        const trace = checked(await request(t.url).trace(path).set(a.auth));
        expect([404, 405]).toContain(trace.status);
        expect(trace.text).not.toContain(a.session.token);
      }
      await paceAnonymous();
      const preflight = checked(
        await request(t.url)
          .options('/api/export/start')
          .set('Origin', 'https://evil.example')
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'authorization,content-type'),
      );
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
      await a.pace();
      const simple = checked(await request(t.url).get(`/api/export/${completed}`).set(a.auth).set('Origin', 'https://evil.example'));
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      // The answer is still not cacheable by anyone in between.
      expect(simple.headers['cache-control']).toMatch(/no-store/);
    });
  });
});
