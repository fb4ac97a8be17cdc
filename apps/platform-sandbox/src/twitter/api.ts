import { Reply, jsonReply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { X_SCOPES_OF } from './scopes';
import { XAccount, XEndpoint, xOf } from './twitter-account';
import { MEDIA_FIELDS, Selection, TWEET_EXPANSIONS, TWEET_FIELDS, USER_EXPANSIONS, USER_FIELDS } from './objects';

/** X API v2 errors are RFC 7807-ish problem documents; the status code is what a client should trust. */
export const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}, type = 'about:blank'): Reply =>
  jsonReply(status, { title, detail, type, status }, headers);

export function invalidRequest(message: string, parameters: Record<string, string[]> = {}): Reply {
  return jsonReply(400, {
    errors: [{ parameters, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  });
}

export interface Authorized {
  account: Account;
  x: XAccount;
  headers: Record<string, string>;
}

/**
 * Checks the bearer token and its scopes, then counts the request in the user's 15-minute window of
 * this endpoint. Every answer past the token check carries the window's x-rate-limit-* headers; a
 * request the window cannot take is a 429 (X's v2 problem body, the v1.1 `code 88` shape on the side).
 */
export function authorize(call: Call, endpoint: XEndpoint): Authorized | Reply {
  const { ctx, state } = call;
  const now = state.now();
  const token = ctx.bearer();
  if (!token) return problem(401, 'Unauthorized', 'Unauthorized');
  const record = state.tokens.useAccess(token, now);
  const account = record ? state.universe.get(record.grant.accountKey) : undefined;
  if (!record || !account) return problem(401, 'Unauthorized', 'Unauthorized');
  call.account = account.key;
  const missing = X_SCOPES_OF[endpoint].filter((scope) => !record.grant.scopes.includes(scope));
  if (missing.length > 0) {
    return jsonReply(403, {
      title: 'Forbidden',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
      detail: `Missing scopes: ${missing.join(' ')}`,
      reason: 'missing-scopes',
      status: 403,
    });
  }
  const x = xOf(account);
  const ledger = state.quotaOf('twitter');
  const bucket = `${account.key}:${endpoint}`;
  ledger.setLimit(bucket, x.rateLimits[endpoint]);
  const allowed = ledger.canSpend(bucket, 1, now);
  if (allowed) ledger.spend(bucket, 1, now);
  const status = ledger.status(bucket, now);
  const headers = {
    'x-rate-limit-limit': String(status.limit),
    'x-rate-limit-remaining': String(status.remaining),
    'x-rate-limit-reset': String(Math.ceil(Date.parse(status.resetsAt) / 1000)),
  };
  if (!allowed) return problem(429, 'Too Many Requests', 'Too Many Requests', headers);
  call.units += 1;
  return { account, x, headers };
}

function fieldList(query: URLSearchParams, name: string, allowed: readonly string[]): Set<string> | Reply {
  const raw = query.get(name);
  const out = new Set<string>();
  if (raw === null || raw === '') return out;
  for (const value of raw.split(',')) {
    if (!allowed.includes(value)) {
      return invalidRequest(`The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`, { [name]: [raw] });
    }
    out.add(value);
  }
  return out;
}

export function selection(query: URLSearchParams, expansions: readonly string[] = TWEET_EXPANSIONS): Selection | Reply {
  const tweetFields = fieldList(query, 'tweet.fields', TWEET_FIELDS);
  if (isReply(tweetFields)) return tweetFields;
  const userFields = fieldList(query, 'user.fields', USER_FIELDS);
  if (isReply(userFields)) return userFields;
  const mediaFields = fieldList(query, 'media.fields', MEDIA_FIELDS);
  if (isReply(mediaFields)) return mediaFields;
  const expansionSet = fieldList(query, 'expansions', expansions);
  if (isReply(expansionSet)) return expansionSet;
  return { tweetFields, userFields, mediaFields, expansions: expansionSet };
}

export const userSelection = (query: URLSearchParams): Selection | Reply => selection(query, USER_EXPANSIONS);

export const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value && 'headers' in value;

/** `max_results` within the endpoint's range, or its default when absent. */
export function maxResults(query: URLSearchParams, min: number, max: number, fallback: number): number | Reply {
  const raw = query.get('max_results');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    return invalidRequest(`The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`, { max_results: [raw] });
  }
  return value;
}

/** An ISO 8601 `start_time`/`end_time`, or null when absent. */
export function timeParam(query: URLSearchParams, name: string): number | null | Reply {
  const raw = query.get(name);
  if (raw === null) return null;
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(ms)) {
    return invalidRequest(`Invalid '${name}':'${raw}'. '${name}' must be a valid RFC 3339 date-time`, { [name]: [raw] });
  }
  return ms;
}

/** A post id window (`since_id`/`until_id`): X's 1-19 digit ids, or null when absent. */
export function idParam(query: URLSearchParams, name: string): bigint | null | Reply {
  const raw = query.get(name);
  if (raw === null) return null;
  if (!/^\d{1,19}$/.test(raw)) return invalidRequest(`The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`, { [name]: [raw] });
  return BigInt(raw);
}

/**
 * Pagination tokens are opaque to clients; here they carry the offset into the list and the number of
 * the next page, and a checksum so a token from elsewhere is refused as X refuses it.
 */
export function encodeToken(offset: number, page: number, scope: string): string {
  const body = `${offset.toString(36)}.${page.toString(36)}`;
  return `${body}.${checksum(`${scope}:${body}`)}`;
}

export function decodeToken(raw: string | null, scope: string): { offset: number; page: number } | null | Reply {
  if (raw === null) return null;
  const match = /^([0-9a-z]+)\.([0-9a-z]+)\.([0-9a-z]+)$/.exec(raw);
  if (!match || checksum(`${scope}:${match[1]}.${match[2]}`) !== match[3]) {
    return invalidRequest(`The \`pagination_token\` query parameter value [${raw}] is not valid`, { pagination_token: [raw] });
  }
  return { offset: parseInt(match[1], 36), page: parseInt(match[2], 36) };
}

function checksum(text: string): string {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h.toString(36);
}
