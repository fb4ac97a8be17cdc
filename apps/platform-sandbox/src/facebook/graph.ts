import type { Reply } from '../http/reply';
import { jsonReply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { proofMatches } from './app';
import { facebookOf, type FacebookAccount } from './facebook-account';
import { graphErrors } from './graph-error';

/** What an authorised Graph call works with. */
export interface GraphCall {
  call: Call;
  account: Account;
  facebook: FacebookAccount;
  scopes: string[];
  /** X-App-Usage after this call was counted, sent on every answer. */
  usage: Record<string, string>;
}

export const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value && 'headers' in value;

/** The access token of a Graph call: the `access_token` parameter, or an `Authorization: Bearer` header. */
export function tokenOf(call: Call): string | null {
  return call.ctx.query.get('access_token') ?? call.ctx.bearer();
}

/** X-App-Usage: the app's share of its hourly call budget, in whole percent, as Meta reports it. */
export function usageHeaders(call: Call, bucket: string): Record<string, string> {
  const quota = call.state.quotaOf('facebook');
  const status = quota.status(bucket, call.state.now());
  const percent = status.limit > 0 ? Math.floor((status.used * 100) / status.limit) : 100;
  return { 'x-app-usage': JSON.stringify({ call_count: percent, total_cputime: Math.floor(percent / 3), total_time: Math.floor(percent / 2) }) };
}

/**
 * Authorises a Graph call as Meta does: a user token (live), its appsecret_proof, then the rolling-hour
 * call budget: a call over it is refused with code 4 (the app's budget) or 17 (the user's).
 */
export function authorizeGraph(call: Call): GraphCall | Reply {
  const { state, ctx } = call;
  const now = state.now();
  const token = tokenOf(call);
  if (!token) return graphErrors.noToken();
  const known = state.tokens.peekAccess(token);
  const record = state.tokens.useAccess(token, now);
  if (!record) return known ? graphErrors.expiredToken() : graphErrors.invalidToken();
  const account = state.universe.get(record.grant.accountKey);
  if (!account) return graphErrors.invalidToken();
  call.account = account.key;
  const proof = ctx.query.get('appsecret_proof');
  if (proof === null) return graphErrors.missingProof();
  if (!proofMatches(token, proof)) return graphErrors.badProof();
  const quota = state.quotaOf('facebook');
  const bucket = quota.bucketFor(account.key, record.grant.clientId);
  if (!quota.canSpend(bucket, 1, now)) {
    const headers = usageHeaders(call, bucket);
    return quota.scope === 'client' ? graphErrors.appThrottled(headers) : graphErrors.userThrottled(headers);
  }
  quota.spend(bucket, 1, now);
  call.units += 1;
  return { call, account, facebook: facebookOf(account), scopes: record.grant.scopes, usage: usageHeaders(call, bucket) };
}

/** A Graph answer with the usage headers Meta puts on every response. */
export function graphReply(graph: GraphCall, value: unknown): Reply {
  return jsonReply(200, value, graph.usage);
}

/** A refusal that still carries the usage headers. */
export function withUsage(graph: GraphCall, reply: Reply): Reply {
  return { ...reply, headers: { ...reply.headers, ...graph.usage } };
}

/**
 * The top-level names of a `fields` parameter (`id,attachments{media,subattachments},place`): nested
 * selections are accepted and the whole nested object returned. `undefined` when absent.
 */
export function topLevelFields(raw: string | null): string[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '{') depth++;
    else if (char === '}') depth--;
    else if (char === ',' && depth === 0) {
      names.push(current.trim());
      current = '';
      continue;
    }
    if (depth === 0 && char !== '}') current += char;
  }
  names.push(current.trim());
  // `images.limit(1)`-style modifiers keep their field name.
  return names.map((name) => name.replace(/\..*$/, '')).filter((name) => name !== '');
}

/**
 * Picks the requested fields of an object, `id` always; null values are left out as the Graph does.
 * Refuses fields the node type does not have, and the Post fields removed in v3.3.
 */
export function selectFields(
  object: Record<string, unknown>,
  raw: string | null,
  node: string,
  known: readonly string[],
  defaults: readonly string[],
  deprecated: readonly string[] = [],
): Record<string, unknown> | Reply {
  const fields = topLevelFields(raw) ?? [...defaults];
  const selected: Record<string, unknown> = { id: object.id };
  for (const field of fields) {
    if (field === 'id') continue;
    if (deprecated.includes(field)) return graphErrors.deprecatedField(field);
    if (!known.includes(field)) return graphErrors.nonexistingField(field, node);
    const value = object[field];
    if (value !== null && value !== undefined) selected[field] = value;
  }
  return selected;
}

export const isoTime = (sec: number): string => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
