import { AccountSpec, DEFAULT_ACCOUNTS } from './accounts';
import { DEFAULT_CLIENT, OAuthClientSpec } from './google/clients';
import type { QuotaScope } from './state/quota';

/** Everything a sandbox can be started with. All of it can also be changed at run time through the admin API. */
export interface SandboxOptions {
  /** Default 5100; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base URL written into media links and printed env values, when the sandbox sits behind a proxy. */
  publicUrl?: string;
  /** Synthetic accounts; default alice (137 videos), bob (empty channel) and carol (no channel). */
  accounts?: AccountSpec[];
  /** Registered OAuth clients; default one client that accepts loopback redirect URIs. */
  clients?: OAuthClientSpec[];
  /** YouTube's quota (the platforms' own stand-ins bring their own options). */
  quota?: {
    /** Units per day per bucket; Google's default is 10,000. */
    dailyLimit?: number;
    /** 'account' (default) or 'client' (Google's per-project model). */
    scope?: QuotaScope;
  };
  /** Access-token lifetime; Google's is 3599 seconds. */
  accessTokenTtlSeconds?: number;
  /** `iss` of ID tokens and the discovery document; default Google's own, https://accounts.google.com. */
  issuer?: string;
  /** Request-log entries kept for /__admin/log (counters are never trimmed). Default 10,000. */
  logCapacity?: number;
  /** Start the sandbox clock at this instant (ISO 8601 or epoch ms) instead of the real time. */
  now?: string | number;
  /** When set, /__admin requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  publicUrl: string | null;
  accounts: AccountSpec[];
  clients: OAuthClientSpec[];
  dailyLimit: number;
  quotaScope: QuotaScope;
  accessTokenTtlSeconds: number;
  issuer: string;
  logCapacity: number;
  now: number | null;
  adminToken: string | null;
}

export class OptionsError extends Error {}

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  const port = options.port ?? 5100;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError('port must be 0..65535');
  const dailyLimit = options.quota?.dailyLimit ?? 10_000;
  if (!Number.isInteger(dailyLimit) || dailyLimit < 0) throw new OptionsError('quota.dailyLimit must be a non-negative integer');
  const scope = options.quota?.scope ?? 'account';
  if (scope !== 'account' && scope !== 'client') throw new OptionsError("quota.scope must be 'account' or 'client'");
  const ttl = options.accessTokenTtlSeconds ?? 3599;
  if (!Number.isInteger(ttl) || ttl < 1) throw new OptionsError('accessTokenTtlSeconds must be a positive integer');
  let now: number | null = null;
  if (options.now !== undefined) {
    now = typeof options.now === 'number' ? options.now : Date.parse(options.now);
    if (Number.isNaN(now)) throw new OptionsError('now must be an ISO 8601 timestamp or epoch milliseconds');
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
    accounts: options.accounts ?? DEFAULT_ACCOUNTS,
    clients: options.clients ?? [DEFAULT_CLIENT],
    dailyLimit,
    quotaScope: scope,
    accessTokenTtlSeconds: ttl,
    issuer: options.issuer ?? 'https://accounts.google.com',
    logCapacity: options.logCapacity ?? 10_000,
    now,
    adminToken: options.adminToken ?? null,
  };
}

/**
 * Options from the environment, for main.ts: SANDBOX_PORT, SANDBOX_HOST, SANDBOX_PUBLIC_URL,
 * SANDBOX_CONFIG (a JSON file with any SandboxOptions), SANDBOX_QUOTA_LIMIT, SANDBOX_QUOTA_SCOPE,
 * SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET / SANDBOX_REDIRECT_URIS, SANDBOX_ADMIN_TOKEN.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): SandboxOptions {
  const options: SandboxOptions = {};
  if (env.SANDBOX_CONFIG) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFile(env.SANDBOX_CONFIG));
    } catch (error) {
      throw new OptionsError(`SANDBOX_CONFIG ${env.SANDBOX_CONFIG}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OptionsError('SANDBOX_CONFIG must hold a JSON object');
    Object.assign(options, parsed);
  }
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw)) throw new OptionsError(`${name} must be a whole number (got "${raw}")`);
    return Number(raw);
  };
  options.port = int('SANDBOX_PORT') ?? options.port;
  options.host = env.SANDBOX_HOST || options.host;
  options.publicUrl = env.SANDBOX_PUBLIC_URL || options.publicUrl;
  options.adminToken = env.SANDBOX_ADMIN_TOKEN || options.adminToken;
  const limit = int('SANDBOX_QUOTA_LIMIT');
  const scope = env.SANDBOX_QUOTA_SCOPE;
  if (limit !== undefined || scope) {
    options.quota = { ...options.quota, ...(limit !== undefined ? { dailyLimit: limit } : {}), ...(scope ? { scope: scope as QuotaScope } : {}) };
  }
  if (env.SANDBOX_CLIENT_ID || env.SANDBOX_CLIENT_SECRET || env.SANDBOX_REDIRECT_URIS) {
    options.clients = [
      {
        clientId: env.SANDBOX_CLIENT_ID || DEFAULT_CLIENT.clientId,
        clientSecret: env.SANDBOX_CLIENT_SECRET || DEFAULT_CLIENT.clientSecret,
        redirectUris: (env.SANDBOX_REDIRECT_URIS ?? '').split(',').map((u) => u.trim()).filter(Boolean),
        allowLoopbackRedirects: true,
      },
    ];
  }
  return options;
}
