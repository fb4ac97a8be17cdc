import { decodePageToken, encodePageToken } from '../core/codec';
import { errors } from '../google/api-error';
import { YOUTUBE_READ_SCOPES } from '../google/scopes';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { etag } from '../synthetic/ids';
import { hashString } from '../core/prng';

/** One Data API method: its name in logs and fault rules, its RPC name in errors, its unit cost. */
export interface YouTubeMethod {
  name: string;
  rpc: string;
  cost: number;
  parts: readonly string[];
}

export const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value && 'headers' in value;

/**
 * Authorises a Data API call the way Google's front end does, then bills it: a request without
 * credentials or with a dead token is refused unbilled; a valid one costs its units even if its
 * parameters turn out to be invalid; with no units left it is refused with quotaExceeded.
 */
export function authorize(call: Call, method: YouTubeMethod): Account | Reply {
  const { ctx, state } = call;
  const now = state.now();
  const token = ctx.bearer() ?? ctx.query.get('access_token');
  if (!token) return ctx.query.has('key') ? errors.invalidApiKey() : errors.missingApiKey();
  const record = state.tokens.useAccess(token, now);
  if (!record) return errors.invalidCredentials();
  const account = state.universe.get(record.grant.accountKey);
  if (!account) return errors.invalidCredentials();
  call.account = account.key;
  if (!record.grant.scopes.some((scope) => YOUTUBE_READ_SCOPES.includes(scope))) return errors.insufficientScopes(method.rpc);
  const bucket = state.quota.bucketFor(account.key, record.grant.clientId);
  if (!state.quota.canSpend(bucket, method.cost, now)) return errors.quotaExceeded();
  state.quota.spend(bucket, method.cost, now);
  call.units += method.cost;
  return account;
}

export function parseParts(query: URLSearchParams, allowed: readonly string[]): Set<string> | Reply {
  const raw = query.get('part');
  if (raw === null || raw.trim() === '') return errors.requiredPart();
  const parts = new Set<string>();
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (!allowed.includes(part)) return errors.unknownPart(part);
    parts.add(part);
  }
  return parts;
}

export function parseMaxResults(query: URLSearchParams, min: number, max: number, fallback: number): number | Reply {
  const raw = query.get('maxResults');
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return errors.notAnInteger('maxResults', raw);
  const value = Number(raw);
  if (value < min || value > max) return errors.outOfRange('maxResults', raw, min, max);
  return value;
}

export function parseOffset(query: URLSearchParams): number | Reply {
  const token = query.get('pageToken');
  if (token === null || token === '') return 0;
  const offset = decodePageToken(token);
  return offset === null ? errors.invalidPageToken() : offset;
}

/** The 1-based page a list request asks for, for fault rules ("page 3"). */
export function pageNumber(query: URLSearchParams, defaultMax: number): number {
  const token = query.get('pageToken');
  const offset = token ? decodePageToken(token) : 0;
  const raw = query.get('maxResults');
  const size = raw && /^\d+$/.test(raw) ? Number(raw) : defaultMax;
  return offset === null ? 1 : Math.floor(offset / Math.max(1, size)) + 1;
}

export function boolParam(query: URLSearchParams, name: string): boolean | Reply {
  const raw = query.get(name);
  if (raw === null) return false;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return errors.invalidValue(name, raw);
}

/**
 * Exactly one filter parameter must be set. Filters the sandbox does not implement are refused
 * rather than ignored, so a test never silently gets unfiltered data.
 */
export function chooseFilter(
  query: URLSearchParams,
  supported: readonly string[],
  documented: readonly string[],
): string | Reply {
  const present = documented.filter((name) => query.has(name) && query.get(name) !== 'false');
  if (present.length === 0) return errors.noFilter(documented);
  if (present.length > 1) return errors.incompatibleParameters(present);
  if (!supported.includes(present[0])) {
    return errors.unexpectedParameter(present[0], `The Star Export sandbox does not implement the ${present[0]} filter.`);
  }
  return present[0];
}

export function refuseUnsupported(query: URLSearchParams, names: readonly string[]): Reply | null {
  for (const name of names) {
    if (query.has(name)) return errors.unexpectedParameter(name, `The Star Export sandbox does not implement the ${name} parameter.`);
  }
  return null;
}

/** A list response with Google's paging fields. */
export function listResponse(
  kind: string,
  items: unknown[],
  paging: { offset: number; size: number; total: number } | null,
  resultsPerPage: number,
  seedText: string,
): Record<string, unknown> {
  const response: Record<string, unknown> = { kind, etag: etag(hashString(seedText), paging?.offset ?? 0, items.length) };
  if (paging && paging.size > 0) {
    if (paging.offset + paging.size < paging.total) response.nextPageToken = encodePageToken(paging.offset + paging.size, false);
    if (paging.offset > 0) response.prevPageToken = encodePageToken(Math.max(0, paging.offset - paging.size), true);
  }
  response.items = items;
  response.pageInfo = { totalResults: paging?.total ?? items.length, resultsPerPage };
  return response;
}

/** Produces items [offset, offset + size) of a virtual list without materialising the rest. */
export function slice<T>(offset: number, size: number, total: number, make: (i: number) => T): T[] {
  const end = Math.min(total, offset + size);
  const out: T[] = [];
  for (let i = offset; i < end; i++) out.push(make(i));
  return out;
}
