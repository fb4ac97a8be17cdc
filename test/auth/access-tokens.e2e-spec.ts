import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import request from 'supertest';
import { database, jwtParts, newAddress, registerUser, signHs256, unsignedJwt } from '../support/auth-helpers';
import { sleep } from '../support/pacing';
import { SESSION_CACHE_MS } from '../../apps/api/src/modules/auth/tokens/session-cache';
import { TestApp, startTestApp } from '../support/test-app';

/** RFC 8725 attack set and rows 13–16 of the bad-input matrix, against GET /api/auth/me. */
describe('Access tokens', () => {
  let t: TestApp;
  let token: string;
  let claims: Record<string, unknown>;
  let secret: string;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
    secret = t.config.jwt.secret;
    token = (await registerUser(t)).session.token;
    claims = jwtParts(token).payload;
  });
  afterAll(async () => {
    await t?.close();
  });

  // Refused tokens count against their address's limit, so every request comes from a new one.
  const me = (authorization?: string) => {
    const req = request(t.url).get('/api/auth/me').set('X-Forwarded-For', newAddress());
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const expectInvalidToken = async (authorization: string): Promise<void> => {
    const res = await me(authorization);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: 'Invalid or expired token', code: 'INVALID_TOKEN' });
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  // Requests with a valid token count against that user's 5/s budget: positive checks use fresh users.
  const freshClaims = async (): Promise<Record<string, unknown>> =>
    jwtParts((await registerUser(t)).session.token).payload;
  const header = { alg: 'HS256', typ: 'at+jwt' };
  const ours = (payload: object, head: object = header, key: string | Buffer = secret): string =>
    `Bearer ${signHs256(head, payload, key)}`;

  it('accepts a valid token, including in a lower-case "bearer" scheme', async () => {
    await me(`Bearer ${token}`).expect(200);
    await me(`bearer ${token}`).expect(200);
    // The test's own signer agrees with the server, so the attacks below differ only in what they attack.
    await me(ours(claims)).expect(200);
  });

  it('answers 401 AUTH_REQUIRED without an Authorization header, ignoring ?access_token= (row 13)', async () => {
    for (const res of [await me(), await request(t.url).get(`/api/auth/me?access_token=${token}`)]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, error: 'Authentication required', code: 'AUTH_REQUIRED' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers 401 INVALID_TOKEN to a header that is not a bearer JWT (row 14)', async () => {
    const malformed = ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNzd29yZA==', 'Bearer a.b', 'Bearer a.b.c.d', `Token ${token}`];
    for (const value of [...malformed, token, '']) await expectInvalidToken(value);
  });

  it('refuses unsigned tokens: alg none, None, NONE, and an empty signature (row 15)', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      await expectInvalidToken(`Bearer ${unsignedJwt({ alg, typ: 'at+jwt' }, claims)}`);
    }
    await expectInvalidToken(`Bearer ${unsignedJwt(header, claims)}`);
  });

  it('refuses a wrong key, an RS256 token, and the RS→HS confusion (row 15)', async () => {
    await expectInvalidToken(ours(claims, header, 'another secret that is long enough to look real'));
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt' })).toString('base64url');
    const rsBody = `${rsHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const rsSignature = rsaSign('sha256', Buffer.from(rsBody), privateKey).toString('base64url');
    await expectInvalidToken(`Bearer ${rsBody}.${rsSignature}`);
    await expectInvalidToken(ours(claims, header, publicKey.export({ type: 'spki', format: 'pem' })));
  });

  it('refuses expired tokens, tokens without exp, and tokens not yet valid (row 15)', async () => {
    await expectInvalidToken(ours({ ...claims, iat: now() - 3600, exp: now() - 60 }));
    const { exp: _exp, ...withoutExp } = claims;
    await expectInvalidToken(ours(withoutExp));
    await expectInvalidToken(ours({ ...claims, nbf: now() + 120 }));
    // Within the 5 s clock tolerance is still fine.
    await me(ours({ ...(await freshClaims()), exp: now() - 1 })).expect(200);
  });

  it('refuses a wrong or missing issuer or audience (row 15)', async () => {
    await expectInvalidToken(ours({ ...claims, iss: 'https://evil.example' }));
    await expectInvalidToken(ours({ ...claims, aud: 'another-api' }));
    const { iss: _iss, ...withoutIss } = claims;
    const { aud: _aud, ...withoutAud } = claims;
    await expectInvalidToken(ours(withoutIss));
    await expectInvalidToken(ours(withoutAud));
  });

  it('refuses kid tricks, a tampered payload and other JWT types signed with the same secret', async () => {
    await expectInvalidToken(ours(claims, { ...header, kid: '../../dev/null' }, ''));
    await me(ours(await freshClaims(), { ...header, kid: '../../dev/null' })).expect(200); // kid never picks the key
    const other = await registerUser(t);
    const [head, , signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, sub: other.session.user.id })).toString('base64url');
    await expectInvalidToken(`Bearer ${head}.${forgedBody}.${signature}`);
    await expectInvalidToken(ours(claims, { alg: 'HS256', typ: 'JWT' }));
    await expectInvalidToken(ours({ ...claims, sub: 'not-a-uuid' }));
  });

  it('refuses a refresh token used as a bearer token (row 16)', async () => {
    const { session } = await registerUser(t);
    await expectInvalidToken(`Bearer ${session.refreshToken}`);
  });

  // No route deletes an account: one deleted straight in the database is refused once the few
  // seconds for which each instance remembers a confirmed session have passed.
  it('stops accepting the tokens of a deleted user', async () => {
    const { session } = await registerUser(t);
    await me(`Bearer ${session.token}`).expect(200);
    await database(t).query('DELETE FROM users WHERE id = $1', [session.user.id]);
    await sleep(SESSION_CACHE_MS);
    await expectInvalidToken(`Bearer ${session.token}`);
  });

  it("refuses a token naming one account and another account's session", async () => {
    const mine = await freshClaims();
    const theirs = await freshClaims();
    await expectInvalidToken(ours({ ...mine, jti: theirs.jti }));
    await me(ours(mine)).expect(200);
  });

  it('stops accepting the access token of a session that logged out', async () => {
    const { session } = await registerUser(t);
    await request(t.url)
      .post('/api/auth/logout')
      .set('X-Forwarded-For', newAddress())
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    await expectInvalidToken(`Bearer ${session.token}`);
  });
});
