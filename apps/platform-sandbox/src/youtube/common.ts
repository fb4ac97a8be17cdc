import { errors } from '../google/api-error';
import { YOUTUBE_READ_SCOPES } from '../google/scopes';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';

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
  const quota = state.quotaOf('youtube');
  const bucket = quota.bucketFor(account.key, record.grant.clientId);
  if (!quota.canSpend(bucket, method.cost, now)) return errors.quotaExceeded();
  quota.spend(bucket, method.cost, now);
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
