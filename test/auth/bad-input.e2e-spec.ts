import request from 'supertest';
import { database, newAddress, registerUser, uniqueEmail } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

/** Bad-input matrix (reliability-security.md §9), rows 1–11 and 34: every answer a 4xx envelope, never a 500. */
describe('Auth bad input', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string) => request(t.url).post(path).set('X-Forwarded-For', newAddress());
  const register = (body: object) => post('/api/auth/register').send(body);
  const valid = (): { email: string; password: string; name: string } => ({
    email: uniqueEmail(),
    password: 'long enough password',
    name: 'Valid Name',
  });
  const userCount = async (): Promise<number> => {
    const [row]: { count: number }[] = await database(t).query('SELECT count(*)::int AS count FROM users');
    return row.count;
  };
  const expectInvalid = (res: request.Response, field?: string): void => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', error: expect.any(String) });
    if (field) expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  it('refuses a malformed email (rows 1, 3)', async () => {
    const emails = [
      'not-an-email',
      `${'a'.repeat(290)}@example.com`,
      'user@example.com\r\nBcc: x@example.com',
      'user@example.com\r\n',
      'a@b',
      '',
      42,
    ];
    for (const email of emails) {
      expectInvalid(await register({ ...valid(), email }), 'email');
    }
  });

  it('refuses passwords of 7 and of 200 characters, and non-strings (row 2)', async () => {
    for (const password of ['1234567', 'p'.repeat(200), 12345678, null]) {
      expectInvalid(await register({ ...valid(), password }), 'password');
    }
    await register({ ...valid(), password: '12345678' }).expect(201);
    await register({ ...valid(), password: 'p'.repeat(128) }).expect(201);
  });

  it('refuses names that are empty, too long, or carry controls or bidi overrides (row 34)', async () => {
    const controls = ['tab\there', 'new\nline', 'nul\u0000', 'lone \ud800'];
    const bidi = ['evil\u202Etxt.exe', 'isolate\u2066x'];
    for (const name of ['', '   ', 'n'.repeat(101), ...controls, ...bidi, 7]) {
      expectInvalid(await register({ ...valid(), name }), 'name');
    }
    await register({ ...valid(), name: 'n'.repeat(100) }).expect(201);
  });

  it('refuses unknown fields such as role or isVerified and stores nothing (row 5)', async () => {
    const before = await userCount();
    for (const extra of [{ role: 'admin' }, { isVerified: true }, { id: '00000000-0000-0000-0000-000000000000' }]) {
      const body = { ...valid(), ...extra };
      const res = await register(body);
      expectInvalid(res, Object.keys(extra)[0]);
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses prototype keys without polluting anything (row 6)', async () => {
    const before = await userCount();
    // Written out as raw JSON: an object literal's __proto__ would set the prototype, not a key.
    const extras = [
      '"__proto__":{"isAdmin":true}',
      '"constructor":{"prototype":{"isAdmin":true}}',
      '"profile":{"__proto__":{"isAdmin":true}}',
    ];
    for (const extra of extras) {
      const raw = `${JSON.stringify(valid()).slice(0, -1)},${extra}}`;
      expectInvalid(await post('/api/auth/register').set('Content-Type', 'application/json').send(raw));
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await userCount()).toBe(before);
  });

  it('refuses a body over 1 MB with 413 PAYLOAD_TOO_LARGE (row 7)', async () => {
    const res = await post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...valid(), name: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses text/plain and form bodies with 400 (row 8)', async () => {
    const body = valid();
    expectInvalid(await post('/api/auth/register').set('Content-Type', 'text/plain').send(JSON.stringify(body)));
    expectInvalid(await post('/api/auth/register').type('form').send(body));
  });

  it('refuses malformed JSON, null and a top-level array (row 9)', async () => {
    for (const raw of ['{"email": "a@example.com",', 'null', '[]', `[${JSON.stringify(valid())}]`, '"just a string"']) {
      expectInvalid(await post('/api/auth/login').set('Content-Type', 'application/json').send(raw));
    }
  });

  it('refuses JSON nested 10,000 deep quickly and keeps serving (row 10)', async () => {
    const deepArray = `{"email":${'['.repeat(10_000)}${']'.repeat(10_000)},"password":"x"}`;
    const deepObject = `{"email":"a@example.com","password":"x","extra":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    for (const raw of [deepArray, deepObject]) {
      expectInvalid(await post('/api/auth/login').set('Content-Type', 'application/json').send(raw));
    }
    await request(t.url).get('/api/health').expect(200);
  });

  it('answers SQL payloads with the same 401 as any wrong password (row 11)', async () => {
    const user = await registerUser(t);
    const wrong = await post('/api/auth/login').send({ email: user.email, password: 'not the password' }).expect(401);
    const before = await userCount();
    const payloads = [
      { email: "' OR '1'='1", password: "' OR '1'='1" },
      { email: `${user.email}'--`, password: 'x' },
      { email: user.email, password: "' OR 1=1; --" },
      { email: "x'; SELECT pg_sleep(5); --", password: "'; DROP TABLE users; --" },
      { email: "admin'/*", password: '*/ OR 1=1 --' },
    ];
    for (const body of payloads) {
      const res = await post('/api/auth/login').send(body).expect(401);
      expect(res.body).toEqual(wrong.body);
    }
    expect(await userCount()).toBe(before);
  });
});
