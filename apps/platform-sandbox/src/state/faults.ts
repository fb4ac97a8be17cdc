import { encodePageToken } from '../core/codec';
import { httpStatusText } from '../http/status-text';
import { Reply, bodyBytes, htmlReply, jsonReply } from '../http/reply';

/**
 * The fault plan: rules that make matching requests fail in the ways real platforms and networks
 * fail. Rules are tried in order; the first one that fires answers the request.
 */
export const FAULT_KINDS = [
  'malformed', // syntactically broken JSON, complete and with a correct Content-Length
  'truncated', // Content-Length of the whole body, the connection closes half-way
  'reset', // the connection is destroyed before any answer
  'hang', // no answer at all until the client gives up
  'slow', // the real body, a few bytes at a time
  'error-200', // 200 OK carrying Google's error body
  'null-items', // the real body with "items": null
  'repeat-cursor', // the real body whose nextPageToken points at the page just served
  'huge-field', // the real body with a 10 MB description in the first item
  'huge-length', // Content-Length: 5 GB, then the real body and a closed connection
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  /** Exact path, or a prefix when it ends with `*`. */
  path?: string;
  /** API method such as `youtube.playlistItems.list` (or `playlistItems.list`), `oauth.token`, `media.video`. */
  api?: string;
  method?: string;
  account?: string;
  /** 1-based page of a list call, from its pageToken and maxResults. */
  page?: number;
  /** Query parameters that must all be present with these values. */
  query?: Record<string, string>;
}

export interface CustomResponse {
  status: number;
  reason?: string;
  message?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FaultSpec {
  match?: FaultMatch;
  respond: number | FaultKind | CustomResponse;
  /** Retry-After: seconds, or an HTTP-date string used as is. */
  retryAfter?: number | string;
  /** Retry-After as an HTTP-date this many seconds after the sandbox clock's now. */
  retryAfterDate?: number;
  /** How many times the rule fires; default 1. "forever" never runs out. */
  times?: number | 'forever';
  /** Let this many matching requests through before firing. */
  afterCalls?: number;
  /** huge-field: field size (default 10 MB); huge-length: claimed length (default 5 GB). */
  bytes?: number;
  /** truncated and malformed: where to cut the body, 0..1 (default 0.5). */
  fraction?: number;
  /** slow: bytes per chunk (default 16) and delay between chunks (default 200 ms). */
  chunkBytes?: number;
  delayMs?: number;
}

export interface FaultRule extends FaultSpec {
  id: string;
  seen: number;
  fired: number;
  remaining: number | null;
}

export interface RequestDescriptor {
  api: string;
  path: string;
  method: string;
  account: string | null;
  page: number | null;
  query: URLSearchParams;
  /** How errors look on this surface. */
  surface: Surface;
  /** An error answer in the surface's own shape, for faults that answer with a status. */
  statusReply: StatusReply;
}

/**
 * Where a route's errors are shown: `html` and `media` for pages and CDN files any platform serves, or a
 * platform's own (`youtube`: Google's JSON error body, `oauth`: RFC 6749 errors), which the platform
 * registers with its StatusReply (SandboxPlatform.faultReplies).
 */
export type Surface = string;

/** An error answer with this status, in a surface's shape; `reason` picks a platform's error reason. */
export type StatusReply = (status: number, reason?: string, message?: string) => Reply;

/** The surfaces that belong to no platform. */
export const CORE_SURFACES: Record<string, StatusReply> = {
  html: (status) => htmlReply(status, `<!DOCTYPE html><title>Error ${status}</title><p>${status}. ${httpStatusText(status)}`),
  media: (status, _reason, message) => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: { type: 'text', value: message ?? httpStatusText(status) },
  }),
};

export class FaultSpecError extends Error {}

export function validateFaultSpec(raw: unknown): FaultSpec {
  if (!raw || typeof raw !== 'object') throw new FaultSpecError('a fault must be an object');
  const spec = raw as FaultSpec;
  const respond = spec.respond;
  const validRespond =
    (typeof respond === 'number' && Number.isInteger(respond) && respond >= 100 && respond <= 599) ||
    (typeof respond === 'string' && (FAULT_KINDS as readonly string[]).includes(respond)) ||
    (typeof respond === 'object' && respond !== null && Number.isInteger(respond.status) && respond.status >= 100 && respond.status <= 599);
  if (!validRespond) {
    throw new FaultSpecError(`respond must be an HTTP status, {status, reason?, message?, body?, headers?} or one of ${FAULT_KINDS.join(', ')}`);
  }
  if (spec.times !== undefined && spec.times !== 'forever' && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new FaultSpecError('times must be a positive integer or "forever"');
  }
  if (spec.afterCalls !== undefined && !(Number.isInteger(spec.afterCalls) && spec.afterCalls >= 0)) {
    throw new FaultSpecError('afterCalls must be a non-negative integer');
  }
  if (spec.retryAfter !== undefined && typeof spec.retryAfter !== 'number' && typeof spec.retryAfter !== 'string') {
    throw new FaultSpecError('retryAfter must be seconds or an HTTP-date string');
  }
  if (spec.match !== undefined && (typeof spec.match !== 'object' || spec.match === null)) {
    throw new FaultSpecError('match must be an object');
  }
  return spec;
}

/** Matches with or without the `youtube.` prefix, so `playlistItems.list` works too. */
function apiMatches(want: string, api: string): boolean {
  return want === api || `youtube.${want}` === api;
}

function matches(match: FaultMatch | undefined, request: RequestDescriptor): boolean {
  if (!match) return true;
  if (match.path !== undefined) {
    const ok = match.path.endsWith('*') ? request.path.startsWith(match.path.slice(0, -1)) : request.path === match.path;
    if (!ok) return false;
  }
  if (match.api !== undefined && !apiMatches(match.api, request.api)) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== request.method) return false;
  if (match.account !== undefined && match.account !== request.account) return false;
  if (match.page !== undefined && (request.page ?? 1) !== match.page) return false;
  if (match.query) {
    for (const [name, value] of Object.entries(match.query)) if (request.query.get(name) !== value) return false;
  }
  return true;
}

export class FaultPlan {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = {
      ...validateFaultSpec(spec),
      id: `f${this.nextId++}`,
      seen: 0,
      fired: 0,
      remaining: spec.times === 'forever' ? null : (spec.times ?? 1),
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that fires for this request, if any; counts it as fired. */
  take(request: RequestDescriptor): FaultRule | null {
    for (const rule of this.rules) {
      if (rule.remaining === 0 || !matches(rule.match, request)) continue;
      rule.seen++;
      if (rule.seen <= (rule.afterCalls ?? 0)) continue;
      rule.fired++;
      if (rule.remaining !== null) rule.remaining--;
      return rule;
    }
    return null;
  }
}

export function faultLabel(rule: FaultRule): string {
  const respond = typeof rule.respond === 'object' ? rule.respond.status : rule.respond;
  return `${rule.id}:${respond}`;
}

/** True when the fault answers without running the real handler. */
export function isPreHandler(rule: FaultRule): boolean {
  return typeof rule.respond !== 'string' || rule.respond === 'reset' || rule.respond === 'hang' || rule.respond === 'error-200';
}

function retryHeaders(rule: FaultRule, now: number): Record<string, string> {
  if (rule.retryAfterDate !== undefined) return { 'retry-after': new Date(now + rule.retryAfterDate * 1000).toUTCString() };
  if (rule.retryAfter !== undefined) return { 'retry-after': String(rule.retryAfter) };
  return {};
}

/** The answer of a fault that does not need the real response. */
export function preHandlerReply(rule: FaultRule, request: RequestDescriptor, now: number): Reply {
  const respond = rule.respond;
  const headers = retryHeaders(rule, now);
  if (typeof respond === 'number') {
    const reply = request.statusReply(respond);
    Object.assign(reply.headers, headers);
    return reply;
  }
  if (typeof respond === 'object') {
    const reply =
      respond.body !== undefined
        ? typeof respond.body === 'string'
          ? { status: respond.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: { type: 'text' as const, value: respond.body } }
          : jsonReply(respond.status, respond.body)
        : request.statusReply(respond.status, respond.reason, respond.message);
    Object.assign(reply.headers, headers, respond.headers ?? {});
    return reply;
  }
  switch (respond) {
    case 'reset':
      return { status: 0, headers: {}, body: { type: 'empty' }, delivery: { mode: 'reset' } };
    case 'hang':
      return { status: 0, headers: {}, body: { type: 'empty' }, delivery: { mode: 'hang' } };
    default: {
      // error-200: a success status with an error inside, which clients must not take as data.
      const error = request.statusReply(503, 'backendError');
      return { ...error, status: 200, headers: { ...error.headers, ...headers } };
    }
  }
}

/** Rewrites the real answer according to a post-handler fault. */
export function transformReply(rule: FaultRule, reply: Reply, request: RequestDescriptor, pretty: boolean, now: number): Reply {
  const out: Reply = { ...reply, headers: { ...reply.headers, ...retryHeaders(rule, now) } };
  const json = reply.body.type === 'json' && reply.body.value && typeof reply.body.value === 'object' ? (reply.body.value as Record<string, unknown>) : null;
  switch (rule.respond) {
    case 'malformed': {
      const bytes = bodyBytes(reply.body, pretty);
      const cut = Math.max(1, Math.min(bytes.length - 1, Math.floor(bytes.length * (rule.fraction ?? 0.5))));
      out.body = { type: 'bytes', value: bytes.subarray(0, cut) };
      return out;
    }
    case 'truncated':
      out.delivery = { mode: 'truncate', fraction: rule.fraction ?? 0.5 };
      return out;
    case 'slow':
      out.delivery = { mode: 'slow', chunkBytes: rule.chunkBytes ?? 16, delayMs: rule.delayMs ?? 200 };
      return out;
    case 'huge-length':
      out.delivery = { mode: 'hugeLength', claimedBytes: rule.bytes ?? 5 * 1024 ** 3 };
      return out;
    case 'null-items':
      if (json) out.body = { type: 'json', style: 'google', value: { ...json, items: null } };
      return out;
    case 'repeat-cursor':
      if (json) {
        const token = request.query.get('pageToken') || encodePageToken(0, false);
        out.body = { type: 'json', style: 'google', value: { ...json, nextPageToken: token } };
      }
      return out;
    case 'huge-field':
      if (json) out.body = { type: 'json', style: 'google', value: withHugeField(json, rule.bytes ?? 10 * 1024 * 1024) };
      return out;
    default:
      return out;
  }
}

function withHugeField(json: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const huge = 'A'.repeat(bytes);
  const items = Array.isArray(json.items) ? [...(json.items as unknown[])] : null;
  const first = items?.[0];
  if (items && first && typeof first === 'object') {
    const item = { ...(first as Record<string, unknown>) };
    const snippet = item.snippet && typeof item.snippet === 'object' ? { ...(item.snippet as Record<string, unknown>) } : {};
    snippet.description = huge;
    item.snippet = snippet;
    items[0] = item;
    return { ...json, items };
  }
  return { ...json, padding: huge };
}

/** Added latency: the first matching rule's delay applies to a request. */
export interface LatencySpec {
  ms: number;
  jitterMs?: number;
  match?: FaultMatch;
}

export class LatencyPlan {
  private rules: LatencySpec[] = [];

  add(spec: LatencySpec): void {
    if (!Number.isFinite(spec.ms) || spec.ms < 0 || spec.ms > 600_000) throw new FaultSpecError('ms must be 0..600000');
    if (spec.jitterMs !== undefined && (!Number.isFinite(spec.jitterMs) || spec.jitterMs < 0)) throw new FaultSpecError('jitterMs must be >= 0');
    this.rules.push({ ...spec });
  }

  list(): LatencySpec[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
  }

  delayFor(request: RequestDescriptor): number {
    const rule = this.rules.find((r) => matches(r.match, request));
    if (!rule) return 0;
    return rule.ms + (rule.jitterMs ? Math.random() * rule.jitterMs : 0);
  }
}
