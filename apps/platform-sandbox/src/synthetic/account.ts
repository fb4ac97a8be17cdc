import { Rng, hash32, hashString } from '../core/prng';
import { PHANTOM_BIT } from './ids';
import { personName } from './text';

/**
 * How to build a synthetic person. The core reads the fields here; each platform reads its own part of
 * the same object (YouTube: `YouTubeAccountSpec`, the channel's sizes), so one account can hold data on
 * every platform the sandbox stands in for. Everything is optional but `key`.
 */
export interface PersonSpec {
  /** Login name: `login_hint` accepts it, the email or the sub. Letters, digits, '.', '_' and '-'. */
  key: string;
  /** Same seed and sizes give the same ids, titles and timestamps. Default: the key. */
  seed?: string | number;
  email?: string;
  name?: string;
  /** Hostile strings in titles, descriptions and comments, on every platform. Default true. */
  hostileText?: boolean;
  /** This account's quota limit on every platform that bills, overriding the sandbox default. */
  quotaLimit?: number;
  /** When the account was created (ISO 8601). */
  createdAt?: string;
}

const DEFAULT_CREATED = Date.UTC(2012, 2, 4, 5, 6, 7);
const DAY = 86_400_000;

export class AccountError extends Error {}

/**
 * A synthetic person: identity, seed and the parts each platform builds from them (`facet`). It is not
 * any one platform's account; YouTube's channel is `youtubeOf(account)`, Google's subject id
 * `googleSubOf(account)`.
 */
export class Account {
  readonly key: string;
  readonly seedText: string;
  readonly tag: number;
  /** Seeds every platform's generated content for this account. */
  readonly seed: number;
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly name: string;
  readonly quotaLimit: number | null;
  readonly createdAtMs: number;
  readonly hostileText: boolean;
  private readonly facets = new Map<string, unknown>();

  constructor(readonly spec: PersonSpec) {
    if (typeof spec.key !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(spec.key)) {
      throw new AccountError('key must be 1-64 letters, digits, ".", "_" or "-"');
    }
    this.key = spec.key;
    this.seedText = String(spec.seed ?? spec.key);
    this.tag = hashString(`account:${this.seedText}`) & (PHANTOM_BIT - 1);
    this.seed = hash32(this.tag, 0x4143);
    const person = personName(new Rng(this.seed));
    this.givenName = spec.name ? spec.name.split(' ')[0] : capitalise(spec.key);
    this.familyName = spec.name ? spec.name.split(' ').slice(1).join(' ') : person.family;
    this.name = spec.name ?? `${this.givenName} ${this.familyName}`;
    this.email = spec.email ?? `${spec.key.toLowerCase()}@example.com`;
    this.quotaLimit = spec.quotaLimit === undefined ? null : count(spec.quotaLimit, 0, 1e12, 'quotaLimit');
    this.createdAtMs = parseTime(spec.createdAt, DEFAULT_CREATED + (this.seed % 1000) * DAY, 'createdAt');
    this.hostileText = spec.hostileText ?? true;
  }

  /** A platform's part of this account, built once from it (and its spec checked) on first use. */
  facet<T>(platform: string, build: (account: Account) => T): T {
    if (!this.facets.has(platform)) this.facets.set(platform, build(this));
    return this.facets.get(platform) as T;
  }
}

/** A whole number from 0 to `max`, or `fallback` when absent; AccountError names the field otherwise. */
export function count(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) throw new AccountError(`${name} must be an integer from 0 to ${max}`);
  return value;
}

/** An ISO 8601 instant in ms, or `fallback` when absent. */
export function parseTime(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AccountError(`${name} must be an ISO 8601 timestamp`);
  return ms;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
