import { timingSafeEqual } from 'node:crypto';
import { BadBodyError, BodyTooLargeError, RequestContext } from '../http/context';
import { Reply, plainJsonReply } from '../http/reply';
import type { OAuthClientSpec } from '../google/clients';
import type { FaultSpec, LatencySpec } from '../state/faults';
import type { AccountSpec } from '../accounts';
import { AdminError, IssueTokensRequest, SandboxAdmin } from './admin';

export const ADMIN_PREFIX = '/__admin';

type Body = Record<string, unknown>;
type AdminHandler = (admin: SandboxAdmin, body: Body, params: string[], query: URLSearchParams) => unknown;

interface AdminRoute {
  method: string;
  path: RegExp;
  status?: number;
  handler: AdminHandler;
}

const optionalInt = (query: URLSearchParams, name: string): number | undefined => {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw new AdminError(`${name} must be a non-negative integer`);
  return Number(raw);
};

/** The admin API: JSON in, JSON out; README.md documents every route. */
const ROUTES: AdminRoute[] = [
  { method: 'GET', path: /^$/, handler: (a) => a.overview() },
  { method: 'POST', path: /^\/reset$/, handler: (a) => (a.reset(), a.overview()) },

  { method: 'GET', path: /^\/accounts$/, handler: (a) => a.accounts() },
  { method: 'POST', path: /^\/accounts$/, status: 201, handler: (a, body) => a.createAccount(body as unknown as AccountSpec) },
  { method: 'GET', path: /^\/accounts\/([^/]+)$/, handler: (a, _b, [key]) => a.account(key) },
  { method: 'DELETE', path: /^\/accounts\/([^/]+)$/, handler: (a, _b, [key]) => (a.deleteAccount(key), { deleted: key }) },
  { method: 'POST', path: /^\/accounts\/([^/]+)\/reset$/, handler: (a, _b, [key]) => a.resetAccount(key) },

  { method: 'GET', path: /^\/clients$/, handler: (a) => a.clients() },
  { method: 'POST', path: /^\/clients$/, status: 201, handler: (a, body) => a.addClient(body as unknown as OAuthClientSpec) },
  { method: 'DELETE', path: /^\/clients\/([^/]+)$/, handler: (a, _b, [id]) => (a.removeClient(id), { deleted: id }) },

  { method: 'POST', path: /^\/tokens$/, status: 201, handler: (a, body) => a.issueTokens(body as unknown as IssueTokensRequest) },
  { method: 'POST', path: /^\/tokens\/expire$/, handler: (a, body) => a.expireTokens(body) },
  { method: 'POST', path: /^\/tokens\/invalidate$/, handler: (a, body) => a.invalidateGrants(body) },

  { method: 'GET', path: /^\/consent$/, handler: (a) => a.consent() },
  {
    method: 'POST',
    path: /^\/consent$/,
    handler: (a, body) => {
      if (body.accessTokenTtlSeconds !== undefined) a.setAccessTokenTtl(body.accessTokenTtlSeconds as number);
      a.setConsent(body);
      return a.consent();
    },
  },

  { method: 'GET', path: /^\/faults$/, handler: (a) => a.faults() },
  {
    method: 'POST',
    path: /^\/faults$/,
    status: 201,
    handler: (a, body) => (Array.isArray(body.faults) ? (body.faults as FaultSpec[]).map((f) => a.addFault(f)) : a.addFault(body as unknown as FaultSpec)),
  },
  { method: 'DELETE', path: /^\/faults$/, handler: (a) => (a.clearFaults(), a.faults()) },
  { method: 'DELETE', path: /^\/faults\/([^/]+)$/, handler: (a, _b, [id]) => (a.removeFault(id), a.faults()) },

  { method: 'GET', path: /^\/latency$/, handler: (a) => a.latency() },
  { method: 'POST', path: /^\/latency$/, status: 201, handler: (a, body) => a.addLatency(body as unknown as LatencySpec) },
  { method: 'DELETE', path: /^\/latency$/, handler: (a) => (a.clearLatency(), a.latency()) },

  { method: 'GET', path: /^\/clock$/, handler: (a) => a.clock() },
  { method: 'POST', path: /^\/clock$/, handler: (a, body) => a.setClock(body) },
  { method: 'DELETE', path: /^\/clock$/, handler: (a) => a.resetClock() },

  { method: 'GET', path: /^\/quota$/, handler: (a, _b, _p, q) => a.quota(q.get('platform') ?? undefined) },
  { method: 'POST', path: /^\/quota$/, handler: (a, body) => a.setQuota(body) },

  {
    method: 'GET',
    path: /^\/log$/,
    handler: (a, _b, _p, q) =>
      a.log({ since: optionalInt(q, 'since'), limit: optionalInt(q, 'limit'), api: q.get('api') ?? undefined, account: q.get('account') ?? undefined }),
  },
  { method: 'DELETE', path: /^\/log$/, handler: (a) => (a.clearLog(), { cleared: true }) },
];

const error = (status: number, message: string): Reply => plainJsonReply(status, { error: message });

export async function handleAdmin(ctx: RequestContext, admin: SandboxAdmin, adminToken: string | null): Promise<Reply> {
  if (adminToken !== null) {
    const given = Buffer.from(ctx.bearer() ?? '');
    const expected = Buffer.from(adminToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return error(401, 'the admin API needs Authorization: Bearer <SANDBOX_ADMIN_TOKEN>');
  }
  const sub = ctx.path.slice(ADMIN_PREFIX.length).replace(/\/+$/, '');
  const candidates = ROUTES.filter((r) => r.path.test(sub));
  if (candidates.length === 0) return error(404, `no admin route ${ctx.method} ${ctx.path}`);
  const route = candidates.find((r) => r.method === ctx.method);
  if (!route) return { ...error(405, `${ctx.method} is not allowed on ${ctx.path}`), headers: { 'content-type': 'application/json; charset=utf-8', allow: candidates.map((r) => r.method).join(', ') } };
  try {
    const body = ctx.method === 'GET' || ctx.method === 'DELETE' ? {} : await ctx.json();
    const params = (route.path.exec(sub) ?? []).slice(1).map((p) => decodeURIComponent(p));
    const result = route.handler(admin, body, params, ctx.query);
    return plainJsonReply(route.status ?? 200, result ?? {});
  } catch (caught) {
    if (caught instanceof AdminError) return error(caught.notFound ? 404 : 400, caught.message);
    if (caught instanceof BadBodyError) return error(400, caught.message);
    if (caught instanceof BodyTooLargeError) return error(413, caught.message);
    throw caught;
  }
}
