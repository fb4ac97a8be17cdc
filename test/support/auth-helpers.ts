import { createHmac, randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

// The second octet is random per test process: suites running side by side in server mode share the
// rate-limit counters in Redis, and must not share addresses.
const addressBase = randomInt(1, 255);
let addresses = 0;

/**
 * A client address of its own, sent as X-Forwarded-For. Only apps started with TRUST_PROXY=1 honour
 * it: each simulated client then has its own budget under the 5 requests/second auth limit, as
 * distinct real clients would. The one address helper of the suites.
 */
export function newAddress(): string {
  addresses += 1;
  return `10.${addressBase}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

export const uniqueEmail = (prefix = 'user'): string => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

export interface Session {
  user: { id: string; email: string; name: string };
  token: string;
  refreshToken: string;
}

export interface RegisteredUser {
  email: string;
  password: string;
  name: string;
  session: Session;
}

/** Registers a new account from a new client address. */
export async function registerUser(
  t: Pick<TestApp, 'url'>,
  fields: Partial<Pick<RegisteredUser, 'email' | 'password' | 'name'>> = {},
): Promise<RegisteredUser> {
  const account = { email: uniqueEmail(), password: 'correct horse battery', name: 'Test User', ...fields };
  const res = await request(t.url).post('/api/auth/register').set('X-Forwarded-For', newAddress()).send(account);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...account, session: (res.body as { data: Session }).data };
}

export const database = (t: TestApp): DataSource => t.app.get(DataSource);

const base64url = (value: object | string): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT with exactly the given header and payload, HMAC-SHA256-signed with `secret`. */
export function signHs256(header: object, payload: object, secret: string | Buffer): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export function unsignedJwt(header: object, payload: object): string {
  return `${base64url(header)}.${base64url(payload)}.`;
}

export function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), payload: decode(payload) };
}
