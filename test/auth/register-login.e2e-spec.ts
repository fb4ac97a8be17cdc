import argon2 from 'argon2';
import request from 'supertest';
import { database, newAddress, registerUser, uniqueEmail } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

const PHC_OWASP = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

describe('Register, login and me', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: object) =>
    request(t.url).post(path).set('X-Forwarded-For', newAddress()).send(body);
  type StoredUser = { email: string; name: string; password_hash: string };
  const storedUser = async (email: string): Promise<StoredUser | undefined> => {
    const rows: StoredUser[] = await database(t).query(
      'SELECT email, name, password_hash FROM users WHERE email = $1',
      [email],
    );
    return rows[0];
  };

  // The token is also at the top level: the spec's own client example reads it from there.
  it('registers with 201 and exactly the spec shape, normalising the email', async () => {
    const email = uniqueEmail('Mixed');
    const body = { email: `  ${email.toUpperCase()} `, password: 'securepassword', name: 'John Doe' };
    const res = await post('/api/auth/register', body).expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      success: true,
      data: {
        user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: email.toLowerCase(), name: 'John Doe' },
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.any(String),
      },
      token: res.body.data.token,
    });
  });

  it('stores the password as an argon2id PHC string with the OWASP parameters', async () => {
    const user = await registerUser(t);
    const stored = await storedUser(user.email);
    expect(stored?.password_hash).toMatch(PHC_OWASP);
    expect(stored?.password_hash).not.toContain(user.password);
  });

  it('logs in with 200 and the spec shape, and /me answers the profile', async () => {
    const user = await registerUser(t, { name: 'Ann Example' });
    const login = await post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password }).expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.body).toEqual({
      success: true,
      data: { user: user.session.user, token: expect.any(String), refreshToken: expect.any(String) },
      token: login.body.data.token,
    });

    const me = await request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${login.body.data.token}`).expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.body).toEqual({
      success: true,
      data: {
        id: user.session.user.id,
        email: user.email,
        name: 'Ann Example',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        platforms: [],
      },
    });
  });

  it('refuses an email already registered in another case with 409 EMAIL_TAKEN', async () => {
    const user = await registerUser(t);
    const body = { email: user.email.toUpperCase(), password: 'another password', name: 'Other' };
    const res = await post('/api/auth/register', body).expect(409);
    expect(res.body).toEqual({ success: false, error: expect.any(String), code: 'EMAIL_TAKEN' });
  });

  it('lets exactly one of two concurrent registrations of one email win', async () => {
    const email = uniqueEmail('race');
    const attempts = await Promise.all(
      ['First', 'Second'].map((name) => post('/api/auth/register', { email, password: 'race password', name })),
    );
    expect(attempts.map((res) => res.status).sort()).toEqual([201, 409]);
    const rows: unknown[] = await database(t).query('SELECT id FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(1);
  });

  it('stores the name in NFC and accepts emoji', async () => {
    const user = await registerUser(t, { name: 'Zoe\u0308 🚀' });
    expect(user.session.user.name).toBe('Zo\u00eb 🚀');
    expect((await storedUser(user.email))?.name).toBe('Zo\u00eb 🚀');
  });

  it('accepts the NFC and the NFD form of a password alike', async () => {
    const composed = 'p\u00e4ssw\u00f6rd-\u00e9t\u00e9';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const registeredComposed = await registerUser(t, { password: composed });
    await post('/api/auth/login', { email: registeredComposed.email, password: decomposed }).expect(200);
    const registeredDecomposed = await registerUser(t, { password: decomposed });
    await post('/api/auth/login', { email: registeredDecomposed.email, password: composed }).expect(200);
  });

  it('never truncates a password', async () => {
    const password = 'x'.repeat(127) + 'y';
    const user = await registerUser(t, { password });
    await post('/api/auth/login', { email: user.email, password: 'x'.repeat(127) }).expect(401);
    await post('/api/auth/login', { email: user.email, password }).expect(200);
  });

  it('answers an unknown email and a wrong password alike, both after an argon2 verification', async () => {
    const user = await registerUser(t);
    const verify = jest.spyOn(argon2, 'verify');
    try {
      const wrongPassword = await post('/api/auth/login', { email: user.email, password: 'wrong password' }).expect(401);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0][0]).toBe((await storedUser(user.email))?.password_hash);

      verify.mockClear();
      const unknownEmail = await post('/api/auth/login', { email: uniqueEmail('nobody'), password: 'wrong password' });
      expect(unknownEmail.status).toBe(401);
      expect(verify).toHaveBeenCalledTimes(1);
      // A real argon2id hash with the same parameters, so the work (and the time) is the same.
      expect(verify.mock.calls[0][0]).toMatch(PHC_OWASP);

      expect(unknownEmail.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body).toEqual({
        success: false,
        error: 'Invalid email or password',
        code: 'INVALID_CREDENTIALS',
      });
    } finally {
      verify.mockRestore();
    }
  });

  it('rehashes on login a password stored with other argon2 parameters', async () => {
    const user = await registerUser(t);
    const weaker = await argon2.hash(user.password, {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 3,
      parallelism: 1,
    });
    await database(t).query('UPDATE users SET password_hash = $1 WHERE email = $2', [weaker, user.email]);

    await post('/api/auth/login', { email: user.email, password: user.password }).expect(200);
    const rehashed = (await storedUser(user.email))?.password_hash;
    expect(rehashed).toMatch(PHC_OWASP);
    await post('/api/auth/login', { email: user.email, password: user.password }).expect(200);
  });
});
