import type { ResolvedOptions } from '../config';
import { Clock } from '../core/clock';
import { OAuthClient, resolveClient } from '../google/clients';
import { IdTokenSigner } from '../google/id-token';
import { TokenStore } from '../google/tokens';
import { FaultPlan, LatencyPlan } from '../state/faults';
import { SANDBOX_PLATFORMS } from '../platforms';
import { QuotaLedger } from '../state/quota';
import { RequestLog } from '../state/request-log';
import { Universe } from '../synthetic/universe';

/** What the authorization page does: consent at once, or deny, or grant fewer scopes. */
export interface ConsentSettings {
  /** Account that consents when the request has no login_hint; default the first account. */
  account: string | null;
  decision: 'approve' | 'deny';
  /** Scopes the user unticks on Google's granular consent screen. */
  deniedScopes: string[];
}

/** All mutable state of one sandbox. */
export class SandboxState {
  readonly clock = new Clock();
  readonly universe = new Universe(SANDBOX_PLATFORMS.flatMap((platform) => (platform.prepareAccount ? [platform.prepareAccount] : [])));
  readonly clients = new Map<string, OAuthClient>();
  readonly tokens = new TokenStore();
  /** A ledger per platform that bills requests, each over its own QuotaWindow. */
  readonly quotas = new Map<string, QuotaLedger>();
  readonly faults = new FaultPlan();
  readonly latency = new LatencyPlan();
  readonly log: RequestLog;
  readonly signer = new IdTokenSigner();
  consent: ConsentSettings = { account: null, decision: 'approve', deniedScopes: [] };
  accessTokenTtlSeconds: number;
  /** Set once the server listens: the origin written into media links. */
  baseUrl = '';

  constructor(readonly options: ResolvedOptions) {
    this.log = new RequestLog(options.logCapacity);
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds;
    this.reset();
  }

  now(): number {
    return this.clock.now();
  }

  /** Back to the configuration the sandbox started with. */
  reset(): void {
    this.clock.reset();
    if (this.options.now !== null) this.clock.set(this.options.now);
    this.universe.clear();
    for (const spec of this.options.accounts) this.universe.add(spec);
    this.clients.clear();
    for (const spec of this.options.clients) {
      const client = resolveClient(spec);
      this.clients.set(client.clientId, client);
    }
    this.tokens.clear();
    this.quotas.clear();
    for (const platform of SANDBOX_PLATFORMS) {
      const quota = platform.quota?.(this.options);
      if (quota) this.quotas.set(platform.name, new QuotaLedger(quota.window, quota.defaultLimit, quota.scope));
    }
    this.faults.clear();
    this.latency.clear();
    this.log.clear();
    this.consent = { account: null, decision: 'approve', deniedScopes: [] };
    this.accessTokenTtlSeconds = this.options.accessTokenTtlSeconds;
    for (const account of this.universe.list()) {
      if (account.quotaLimit !== null) for (const ledger of this.quotas.values()) ledger.setLimit(account.key, account.quotaLimit);
    }
  }

  /** The ledger of `platform`, or of the first platform that bills when none is named. */
  quotaOf(platform?: string): QuotaLedger {
    const ledger = platform === undefined ? this.quotas.values().next().value : this.quotas.get(platform);
    if (!ledger) throw new Error(platform === undefined ? 'no platform of the sandbox bills requests' : `${platform} has no quota ledger`);
    return ledger;
  }

  defaultAccount(): string | null {
    return this.consent.account ?? this.universe.list()[0]?.key ?? null;
  }
}
