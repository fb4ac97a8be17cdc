import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from '../admin/routes';
import { SandboxAdmin } from '../admin/admin';
import { BadBodyError, BodyTooLargeError, RequestContext } from '../http/context';
import { Reply, htmlReply, jsonReply, plainJsonReply, sendReply } from '../http/reply';
import { CORE_SURFACES, RequestDescriptor, StatusReply, faultLabel, isPreHandler, preHandlerReply, transformReply } from '../state/faults';
import { loggableQuery } from '../state/request-log';
import { pageNumber } from '../youtube/paging';
import type { SandboxPlatform } from '../platform';
import { SANDBOX_PLATFORMS } from '../platforms';
import type { Call, Route } from './call';
import { indexPage } from './index-page';
import { matchRoute } from './router';
import type { SandboxState } from './state';

const INDEX: Route = { methods: ['GET'], path: '/', api: 'sandbox.index', surface: 'html', handler: (call) => htmlReply(200, indexPage(call.state)) };
const ROUTES: Route[] = [...SANDBOX_PLATFORMS.flatMap((platform) => platform.routes), INDEX];
const PLATFORM_OF_ROUTE = new Map(SANDBOX_PLATFORMS.flatMap((platform) => platform.routes.map((route) => [route, platform] as const)));

/** The platform an unknown path belongs to (longest prefix), so it gets that platform's 404 page. */
function platformOfPath(path: string): SandboxPlatform | undefined {
  let best: { platform: SandboxPlatform; length: number } | undefined;
  for (const platform of SANDBOX_PLATFORMS) {
    for (const prefix of platform.prefixes) {
      if (path.startsWith(prefix) && prefix.length > (best?.length ?? 0)) best = { platform, length: prefix.length };
    }
  }
  return best?.platform;
}

const SURFACES = new Map<string, StatusReply>(
  [CORE_SURFACES, ...SANDBOX_PLATFORMS.map((platform) => platform.faultReplies ?? {})].flatMap((replies) => Object.entries(replies)),
);

const PLAIN_NOT_FOUND: Reply = { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: { type: 'text', value: 'Not Found' } };
const notFoundPage = (path: string): Reply => platformOfPath(path)?.notFound(path) ?? PLAIN_NOT_FOUND;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Who a request is from before its handler runs, so that fault rules can match on the account. */
function peekAccount(ctx: RequestContext, state: SandboxState): string | null {
  const token = ctx.bearer() ?? ctx.query.get('access_token');
  return token ? (state.tokens.peekAccess(token)?.grant.accountKey ?? null) : null;
}

function failure(route: Route | null, error: unknown): Reply {
  if (error instanceof BodyTooLargeError) return plainJsonReply(413, { error: 'request_too_large', error_description: error.message });
  if (error instanceof BadBodyError) return jsonReply(400, { error: 'invalid_request', error_description: error.message });
  process.stderr.write(`platform-sandbox: ${route?.api ?? 'request'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  const platform = route ? PLATFORM_OF_ROUTE.get(route) : undefined;
  return platform?.internalError() ?? { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: { type: 'text', value: 'Internal Server Error' } };
}

export function createSandboxServer(state: SandboxState, admin: SandboxAdmin): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx = new RequestContext(req);
    const headOnly = ctx.method === 'HEAD';
    if (ctx.path === ADMIN_PREFIX || ctx.path.startsWith(`${ADMIN_PREFIX}/`)) {
      await sendReply(res, await handleAdmin(ctx, admin, state.options.adminToken), true, headOnly);
      return;
    }
    // Google's standard query parameter: JSON is indented unless prettyPrint=false.
    const pretty = ctx.query.get('prettyPrint') !== 'false';
    const match = matchRoute(ROUTES, ctx.method, ctx.path);
    if (!match || !('route' in match)) {
      const page = notFoundPage(ctx.path);
      const reply: Reply = match ? { ...page, status: 405, headers: { ...page.headers, allow: match.allowed.join(', ') } } : page;
      state.log.record({ at: new Date(state.now()).toISOString(), method: ctx.method, path: ctx.path, api: 'unknown', query: loggableQuery(ctx.query), account: null, status: reply.status, units: 0, page: null, fault: null });
      await sendReply(res, reply, pretty, headOnly);
      return;
    }

    const { route, params } = match;
    const call: Call = { ctx, state, params, account: peekAccount(ctx, state), units: 0 };
    const descriptor: RequestDescriptor = {
      api: route.api,
      path: ctx.path,
      method: ctx.method,
      account: call.account,
      page: route.defaultPageSize ? pageNumber(ctx.query, route.defaultPageSize) : null,
      query: ctx.query,
      surface: route.surface,
      statusReply: SURFACES.get(route.surface) ?? CORE_SURFACES.media,
    };
    const delay = state.latency.delayFor(descriptor);
    if (delay > 0) await sleep(delay);

    const rule = state.faults.take(descriptor);
    let reply: Reply;
    if (rule && isPreHandler(rule)) {
      reply = preHandlerReply(rule, descriptor, state.now());
    } else {
      try {
        reply = await route.handler(call);
      } catch (error) {
        reply = failure(route, error);
      }
      if (rule) reply = transformReply(rule, reply, descriptor, pretty, state.now());
    }
    state.log.record({
      at: new Date(state.now()).toISOString(),
      method: ctx.method,
      path: ctx.path,
      api: route.api,
      query: loggableQuery(ctx.query),
      account: call.account,
      status: reply.status,
      units: call.units,
      page: descriptor.page,
      fault: rule ? faultLabel(rule) : null,
    });
    await sendReply(res, reply, pretty, headOnly);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`platform-sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });
  // Benchmarks keep connections open across many pages.
  server.keepAliveTimeout = 65_000;
  return server;
}
