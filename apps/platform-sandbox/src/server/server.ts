import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from '../admin/routes';
import { SandboxAdmin } from '../admin/admin';
import { googleError, googleNotFoundPage } from '../google/api-error';
import { OAUTH_ROUTES } from '../google/routes';
import { BadBodyError, BodyTooLargeError, RequestContext } from '../http/context';
import { Reply, htmlReply, jsonReply, plainJsonReply, sendReply } from '../http/reply';
import { MEDIA_ROUTES } from '../media/routes';
import { RequestDescriptor, faultLabel, isPreHandler, preHandlerReply, transformReply } from '../state/faults';
import { loggableQuery } from '../state/request-log';
import { pageNumber } from '../youtube/paging';
import { YOUTUBE_ROUTES } from '../youtube/routes';
import type { Call, Route } from './call';
import { indexPage } from './index-page';
import { matchRoute } from './router';
import type { SandboxState } from './state';

const ROUTES: Route[] = [
  ...OAUTH_ROUTES,
  ...YOUTUBE_ROUTES,
  ...MEDIA_ROUTES,
  { methods: ['GET'], path: '/', api: 'sandbox.index', surface: 'html', handler: (call) => htmlReply(200, indexPage(call.state)) },
];

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
  return googleError({ code: 500, message: 'Internal error encountered.', errors: [{ message: 'Internal error encountered.', domain: 'global', reason: 'backendError' }], status: 'INTERNAL' });
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
      const reply: Reply = match
        ? { ...googleNotFoundPage(ctx.path), status: 405, headers: { 'content-type': 'text/html; charset=UTF-8', allow: match.allowed.join(', ') } }
        : googleNotFoundPage(ctx.path);
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
