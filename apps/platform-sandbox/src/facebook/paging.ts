import { hash32 } from '../core/prng';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import { graphErrors } from './graph-error';

/** The Graph's documented default page size, and the largest `limit` its edges honour (larger is capped). */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
/** Meta says not to keep cursors: the sandbox's stop working half an hour (sandbox clock) after they were issued. */
export const CURSOR_TTL_MS = 30 * 60_000;
/** Every few pages of a time-paged edge comes back empty, with a `next` to go on (as Meta's do). */
const EMPTY_PAGE_EVERY = 3;

interface CursorState {
  /** Position of the last item delivered. */
  i: number;
  /** When the cursor was issued (sandbox clock, ms). */
  t: number;
  /** For time paging: this position already answered one empty page. */
  e?: 1;
}

const encode = (state: CursorState): string => Buffer.from(JSON.stringify(state)).toString('base64url');

function decode(raw: string, now: number): CursorState | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorState;
    if (!Number.isInteger(value.i) || !Number.isInteger(value.t) || now - value.t > CURSOR_TTL_MS || value.t > now) return null;
    return value;
  } catch {
    return null;
  }
}

export function limitOf(call: Call): number | Reply {
  const raw = call.ctx.query.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return graphErrors.badParameter('limit');
  return Math.min(MAX_LIMIT, Number(raw));
}

/** Unix seconds of `since`/`until`; Meta also takes strtotime strings, which the sandbox does not. */
function timeParam(call: Call, name: string): number | undefined | Reply {
  const raw = call.ctx.query.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : graphErrors.badParameter(name);
}

/** The link to the next page: this request's own URL with new paging parameters (no appsecret_proof). */
function nextLink(call: Call, set: Record<string, string>, drop: readonly string[]): string {
  const url = new URL(`${call.state.baseUrl}${call.ctx.path}`);
  for (const [name, value] of call.ctx.query) {
    if (name !== 'appsecret_proof' && !drop.includes(name) && !(name in set)) url.searchParams.set(name, value);
  }
  for (const [name, value] of Object.entries(set)) url.searchParams.set(name, value);
  return url.toString();
}

/** Cursor-based paging (`after`/`before`), the default of most edges: ordered list, `next` while more remain. */
export function cursorPage<T>(call: Call, items: readonly T[], render: (item: T) => unknown, extra: Record<string, unknown> = {}): Record<string, unknown> | Reply {
  const limit = limitOf(call);
  if (typeof limit !== 'number') return limit;
  const now = call.state.now();
  let start = 0;
  const after = call.ctx.query.get('after');
  if (after !== null) {
    const cursor = decode(after, now);
    if (!cursor) return graphErrors.badCursor();
    start = cursor.i + 1;
  }
  const slice = items.slice(start, start + limit);
  const body: Record<string, unknown> = { data: slice.map(render), ...extra };
  if (slice.length > 0) {
    const cursors = { before: encode({ i: start - 1, t: now }), after: encode({ i: start + slice.length - 1, t: now }) };
    body.paging = {
      cursors,
      ...(start + slice.length < items.length ? { next: nextLink(call, { after: cursors.after }, ['before']) } : {}),
    };
  }
  return body;
}

/**
 * Time-based paging (`since`/`until`, as /me/posts pages): items newest first, `until` and
 * `__paging_token` say where the next page starts. `since`/`until` also narrow the list.
 */
export function timePage<T>(call: Call, items: readonly T[], timeOf: (item: T) => number, render: (item: T) => unknown): Record<string, unknown> | Reply {
  const limit = limitOf(call);
  if (typeof limit !== 'number') return limit;
  const since = timeParam(call, 'since');
  if (since !== undefined && typeof since !== 'number') return since;
  const until = timeParam(call, 'until');
  if (until !== undefined && typeof until !== 'number') return until;
  const now = call.state.now();
  const rawToken = call.ctx.query.get('__paging_token');
  let start = 0;
  let token: CursorState | null = null;
  if (rawToken !== null) {
    token = decode(rawToken, now);
    if (!token) return graphErrors.badCursor();
    start = token.i + 1;
  } else if (until !== undefined) {
    start = items.findIndex((item) => timeOf(item) <= until);
    if (start < 0) start = items.length;
  }
  if (token && token.e === undefined && hash32(token.i, 0x454d) % EMPTY_PAGE_EVERY === 0 && start < items.length) {
    const again = encode({ i: token.i, t: now, e: 1 });
    return { data: [], paging: { next: nextLink(call, { __paging_token: again }, []) } };
  }
  const inRange = (item: T): boolean => (since === undefined || timeOf(item) >= since) && (until === undefined || timeOf(item) <= until);
  const slice: T[] = [];
  let position = start;
  for (; position < items.length && slice.length < limit; position++) {
    const item = items[position];
    if (since !== undefined && timeOf(item) < since) {
      position = items.length;
      break;
    }
    if (inRange(item)) slice.push(item);
  }
  const body: Record<string, unknown> = { data: slice.map(render) };
  if (slice.length > 0) {
    const last = slice[slice.length - 1];
    const more = position < items.length && (since === undefined || timeOf(items[position]) >= since);
    body.paging = {
      previous: nextLink(call, { since: String(timeOf(slice[0])), __previous: '1' }, ['until', '__paging_token']),
      ...(more ? { next: nextLink(call, { until: String(timeOf(last)), __paging_token: encode({ i: position - 1, t: now }) }, ['__previous']) } : {}),
    };
  }
  return body;
}
