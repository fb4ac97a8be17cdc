import request from 'supertest';
import { NormaliseEmailsNfkc1795886250000 } from '../../apps/api/src/database/migrations/1795886250000-normalise-emails-nfkc';
import { database, newAddress, registerUser } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

/** `ｎｅｗｂｉｅ` for `newbie`: the fullwidth forms of ASCII letters and digits. */
const fullwidth = (text: string): string =>
  text.replace(/[A-Za-z0-9]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x21 + 0xff01));

/** Emails are compared and stored NFKC, then lower case: a compatibility-equivalent copy is the same address. */
describe('Email normalisation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const register = (email: string): request.Test =>
    request(t.url)
      .post('/api/auth/register')
      .set('X-Forwarded-For', newAddress())
      .send({ email, password: 'second account pw', name: 'Copy' });
  const login = (email: string, password: string): request.Test =>
    request(t.url).post('/api/auth/login').set('X-Forwarded-For', newAddress()).send({ email, password });

  it('refuses a fullwidth, ligature or letterlike copy of a registered email, and signs the copy in to the one account', async () => {
    const original = await registerUser(t, { email: 'newbie@example.com' });
    const office = await registerUser(t, { email: 'office-h@example.com' });
    const copies = [
      `${fullwidth('newbie')}@example.com`,
      `${fullwidth('NEWBIE')}＠ｅｘａｍｐｌｅ．ｃｏｍ`,
      'o\uFB03ce-h@example.com', // "ﬃ" ligature
      'office-\u210C@example.com', // "ℌ" black-letter capital H
    ];
    for (const copy of copies) {
      const res = await register(copy);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, code: 'EMAIL_TAKEN' });
    }
    const [{ count }]: { count: number }[] = await database(t).query('SELECT count(*)::int AS count FROM users');
    expect(count).toBe(2);

    const viaCopy = await login(copies[0], original.password).expect(200);
    expect(viaCopy.body.data.user).toEqual({ id: original.session.user.id, email: 'newbie@example.com', name: original.name });
    const viaLigature = await login(copies[2], office.password).expect(200);
    expect(viaLigature.body.data.user.id).toBe(office.session.user.id);
  });

  it('migrates stored emails to NFKC without ever merging or handing over an account', async () => {
    const users = {
      holder: await registerUser(t, { email: 'kept@example.com', password: 'password of kept' }),
      copyOfHolder: await registerUser(t, { email: 'copy-of-kept@example.com', password: 'password of copy-of-kept' }),
      older: await registerUser(t, { email: 'older@example.com', password: 'password of older' }),
      newer: await registerUser(t, { email: 'newer@example.com', password: 'password of newer' }),
      alone: await registerUser(t, { email: 'alone@example.com', password: 'password of alone' }),
    };
    const db = database(t);
    // What the earlier rule (lower case, NFC) stored for fullwidth input.
    const stored: Record<keyof typeof users, string> = {
      holder: 'kept@example.com',
      copyOfHolder: `${fullwidth('kept')}@example.com`,
      older: `${fullwidth('twin')}@example.com`,
      newer: `${fullwidth('tw')}in@example.com`,
      alone: `${fullwidth('alone2')}@example.com`,
    };
    for (const [key, email] of Object.entries(stored)) {
      await db.query('UPDATE users SET email = $1 WHERE id = $2', [email, users[key as keyof typeof users].session.user.id]);
    }
    await db.query(`UPDATE users SET created_at = now() - interval '1 day' WHERE id = $1`, [users.older.session.user.id]);

    const runner = db.createQueryRunner();
    try {
      await new NormaliseEmailsNfkc1795886250000().up(runner);
    } finally {
      await runner.release();
    }

    const emailOf = async (user: keyof typeof users): Promise<string> => {
      const [row]: { email: string }[] = await db.query('SELECT email FROM users WHERE id = $1', [users[user].session.user.id]);
      return row.email;
    };
    // Alone, or the oldest of a group nobody held in plain form: the address is theirs.
    expect(await emailOf('alone')).toBe('alone2@example.com');
    expect(await emailOf('older')).toBe('twin@example.com');
    // The plain form's holder keeps it; the copies keep their old, unreachable forms.
    expect(await emailOf('holder')).toBe('kept@example.com');
    expect(await emailOf('copyOfHolder')).toBe(stored.copyOfHolder);
    expect(await emailOf('newer')).toBe(stored.newer);

    // Signing in with any form reaches the one account that owns the address, with its own password only.
    expect((await login('ａｌｏｎｅ2@example.com', users.alone.password).expect(200)).body.data.user.id).toBe(users.alone.session.user.id);
    expect((await login('twin@example.com', users.older.password).expect(200)).body.data.user.id).toBe(users.older.session.user.id);
    await login('twin@example.com', users.newer.password).expect(401);
    expect((await login(stored.copyOfHolder, users.holder.password).expect(200)).body.data.user.id).toBe(users.holder.session.user.id);
    await login(stored.copyOfHolder, users.copyOfHolder.password).expect(401);
    // The accounts that lost the address are signed out everywhere.
    for (const loser of [users.copyOfHolder, users.newer]) {
      await request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${loser.session.token}`).expect(401);
    }
    await request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${users.holder.session.token}`).expect(200);
  });
});
