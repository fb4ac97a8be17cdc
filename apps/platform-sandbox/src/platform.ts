import type { QuotaWindow } from './core/quota-window';
import type { Reply } from './http/reply';
import type { ResolvedOptions } from './config';
import type { Route } from './server/call';
import type { StatusReply } from './state/faults';
import type { QuotaScope } from './state/quota';
import type { Account } from './synthetic/account';

/**
 * One platform the sandbox stands in for, from its own folder. The core (server, admin API, clock,
 * request log, faults, synthetic accounts) knows platforms only through this shape.
 */
export interface SandboxPlatform {
  /** Its folder's name; the prefix of its route names in the request log (`youtube.videos.list`). */
  name: string;
  routes: Route[];
  /**
   * Path prefixes it answers for: an unknown path under one gets this platform's 404 page, as the real
   * service would serve it.
   */
  prefixes: string[];
  notFound(path: string): Reply;
  /** What the platform answers when a handler fails. */
  internalError(): Reply;
  /** The error shapes of its routes' surfaces (Route.surface), for faults that answer with a status. */
  faultReplies?: Record<string, StatusReply>;
  /** Platforms that bill requests: how their ledger forgets (QuotaWindow), its default limit and who it bills. */
  quota?: (options: ResolvedOptions) => { window: QuotaWindow; defaultLimit: number; scope: QuotaScope };
  /** Builds and checks the platform's part of a new account (throws AccountError), so a bad spec is refused when added. */
  prepareAccount?: (account: Account) => void;
}
