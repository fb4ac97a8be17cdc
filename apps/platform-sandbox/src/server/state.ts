import type { ResolvedOptions } from '../config';
import { Clock } from '../core/clock';
import { OAuthClient, resolveClient } from '../google/clients';
import { IdTokenSigner } from '../google/id-token';
import { TokenStore } from '../google/tokens';
import { FaultPlan, LatencyPlan } from '../state/faults';
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
  readonly universe = new Universe();
  readonly clients = new Map<string, OAuthClient>();
  readonly tokens = new TokenStore();
  readonly quota: QuotaLedger;
  readonly faults = new FaultPlan();
  readonly latency = new LatencyPlan();
  readonly log: RequestLog;
  readonly signer = new IdTokenSigner();
  consent: ConsentSettings = { account: null, decision: 'approve', deniedScopes: [] };
  accessTokenTtlSeconds: number;
  /** Set once the server listens: the origin written into media links. */
  baseUrl = '';

  constructor(readonly options: ResolvedOptions) {
    this.quota = new QuotaLedger(options.dailyLimit, options.quotaScope);
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
    this.quota.clear();
    this.quota.dailyLimit = this.options.dailyLimit;
    this.quota.scope = this.options.quotaScope;
    this.faults.clear();
    this.latency.clear();
    this.log.clear();
    this.consent = { account: null, decision: 'approve', deniedScopes: [] };
    this.accessTokenTtlSeconds = this.options.accessTokenTtlSeconds;
    for (const account of this.universe.list()) {
      if (account.quotaLimit !== null) this.quota.setLimit(account.key, account.quotaLimit);
    }
  }

  defaultAccount(): string | null {
    return this.consent.account ?? this.universe.list()[0]?.key ?? null;
  }
}
