import type { ClockSnapshot } from '../core/clock';
import { nextPacificMidnight } from '../core/pacific';
import { OAuthClient, OAuthClientSpec, resolveClient } from '../google/clients';
import { SCOPE, parseScopes } from '../google/scopes';
import type { ConsentSettings, SandboxState } from '../server/state';
import { FaultRule, FaultSpec, LatencySpec } from '../state/faults';
import type { QuotaLedger, QuotaStatus } from '../state/quota';
import type { LogEntry } from '../state/request-log';
import type { AccountSpec } from '../accounts';
import { googleSubOf } from '../google/identity';
import type { Account } from '../synthetic/account';
import { youtubeOf } from '../youtube/youtube-account';
import { YOUTUBE_UNIT_COSTS } from '../youtube/routes';

/** A mistake in an admin request: answered 400 (or 404 for `notFound`). */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}

export interface AccountSummary {
  key: string;
  seed: string;
  sub: string;
  email: string;
  name: string;
  hasChannel: boolean;
  channelId: string | null;
  handle: string | null;
  uploadsPlaylistId: string | null;
  likesPlaylistId: string | null;
  videos: number;
  /** Items the uploads playlist lists (less than videos when uploadsLimit applies). */
  uploadsListed: number;
  playlists: { id: string; size: number; privacy: string }[];
  likes: number;
  subscriptions: number;
  commentThreads: number;
  /** The newest few video ids, handy for tests. */
  sampleVideoIds: string[];
  quota: QuotaStatus;
  spec: AccountSpec;
}

export interface IssueTokensRequest {
  account: string;
  clientId?: string;
  /** Default: openid, email, profile and youtube.readonly. */
  scopes?: string[];
  /** Also issue a refresh token (default true). */
  offline?: boolean;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

export interface ClockChange {
  /** Jump to this instant (ISO 8601 or epoch ms). */
  set?: string | number;
  advanceMs?: number;
  /** Run this many ms ahead of (or, negative, behind) real time. */
  offsetMs?: number;
  /** Jump to the next midnight in America/Los_Angeles (when YouTube quotas reset), plus this many ms. */
  toNextPacificMidnight?: boolean;
  plusMs?: number;
  freeze?: boolean;
}

export interface QuotaChange {
  /** The platform whose ledger to change; default the first that bills (YouTube). */
  platform?: string;
  account?: string;
  clientId?: string;
  /** This bucket's daily limit from now on (null: back to the default). */
  limit?: number | null;
  /** Leave exactly this many units for the rest of today. */
  remaining?: number;
  used?: number;
  /** The default daily limit of every bucket. */
  defaultLimit?: number;
}

export interface LogSnapshot {
  total: number;
  faults: number;
  /** Requests per API method (youtube.playlistItems.list, oauth.token, media.video, …). */
  counts: Record<string, number>;
  /** Requests per "method status", e.g. "youtube.videos.list 200". */
  statuses: Record<string, number>;
  /** Quota units spent per account (or client bucket) per Pacific day. */
  units: Record<string, Record<string, number>>;
  /** Units spent today per bucket. */
  unitsToday: Record<string, number>;
  unitCosts: Record<string, number>;
  lastSeq: number;
  entries: LogEntry[];
}

const DEFAULT_SCOPES = [SCOPE.openid, SCOPE.email, SCOPE.profile, SCOPE.youtubeReadonly];

function nonNegativeInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new AdminError(`${name} must be a non-negative integer`);
  return value;
}

/** Control over a running sandbox; the HTTP admin API and startSandbox().admin both use it. */
export class SandboxAdmin {
  constructor(private readonly state: SandboxState) {}

  // ---- accounts -----------------------------------------------------------------------------------

  accounts(): AccountSummary[] {
    return this.state.universe.list().map((a) => this.summarise(a));
  }

  account(key: string): AccountSummary {
    return this.summarise(this.requireAccount(key));
  }

  /** Creates an account, or replaces one with the same key (its tokens and quota are forgotten). */
  createAccount(spec: AccountSpec): AccountSummary {
    if (!spec || typeof spec !== 'object') throw new AdminError('the account must be an object');
    const previous = this.state.universe.get(spec.key);
    let account: Account;
    try {
      account = this.state.universe.add(spec);
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error));
    }
    if (previous) this.forget(previous.key);
    for (const ledger of this.state.quotas.values()) ledger.setLimit(account.key, account.quotaLimit);
    return this.summarise(account);
  }

  deleteAccount(key: string): void {
    this.requireAccount(key);
    this.state.universe.remove(key);
    this.forget(key);
  }

  /** Rebuilds an account from its spec: same data, no tokens, fresh quota. */
  resetAccount(key: string): AccountSummary {
    return this.createAccount(this.requireAccount(key).spec);
  }

  private forget(key: string): void {
    this.state.tokens.forgetAccount(key);
    for (const ledger of this.state.quotas.values()) ledger.forget(key);
  }

  private requireAccount(key: string): Account {
    const account = this.state.universe.get(key);
    if (!account) throw new AdminError(`no account "${key}"`, true);
    return account;
  }

  private summarise(account: Account): AccountSummary {
    const youtube = youtubeOf(account);
    const channel = youtube.channel;
    return {
      key: account.key,
      seed: account.seedText,
      sub: googleSubOf(account),
      email: account.email,
      name: account.name,
      hasChannel: channel !== null,
      channelId: channel?.id ?? null,
      handle: channel ? `@${channel.params.handle}` : null,
      uploadsPlaylistId: channel?.uploadsId ?? null,
      likesPlaylistId: youtube.likesPlaylistId,
      videos: channel?.videoCount ?? 0,
      uploadsListed: channel?.uploadsListed ?? 0,
      playlists: youtube.playlists.map((p) => ({ id: p.id, size: p.size, privacy: p.privacy })),
      likes: channel ? youtube.likes : 0,
      subscriptions: channel ? youtube.subscriptions : 0,
      commentThreads: channel?.threadsTotal() ?? 0,
      sampleVideoIds: channel ? Array.from({ length: Math.min(3, channel.videoCount) }, (_, i) => channel.videoId(i)) : [],
      quota: this.state.quotaOf().status(account.key, this.state.now()),
      spec: account.spec,
    };
  }

  // ---- OAuth clients, tokens and consent -----------------------------------------------------------

  clients(): OAuthClient[] {
    return [...this.state.clients.values()].map((c) => ({ ...c, redirectUris: [...c.redirectUris] }));
  }

  addClient(spec: OAuthClientSpec): OAuthClient {
    try {
      const client = resolveClient(spec);
      this.state.clients.set(client.clientId, client);
      return client;
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error));
    }
  }

  removeClient(clientId: string): void {
    if (!this.state.clients.delete(clientId)) throw new AdminError(`no client "${clientId}"`, true);
  }

  /** Tokens without the browser dance, for tests and benchmarks that are not about OAuth. */
  issueTokens(request: IssueTokensRequest): IssuedTokens {
    const account = this.requireAccount(request.account);
    const clientId = request.clientId ?? this.state.clients.keys().next().value;
    if (!clientId || !this.state.clients.has(clientId)) throw new AdminError(`no client "${clientId ?? ''}"`);
    const { scopes, unknown } = parseScopes((request.scopes ?? DEFAULT_SCOPES).join(' '));
    if (unknown.length) throw new AdminError(`unknown scopes: ${unknown.join(', ')}`);
    const now = this.state.now();
    const offline = request.offline ?? true;
    const client = this.state.clients.get(clientId) as OAuthClient;
    const refreshExpiresAt = offline && client.refreshTokenTtlSeconds !== null ? now + client.refreshTokenTtlSeconds * 1000 : null;
    const grant = this.state.tokens.createGrant(account.key, clientId, scopes, offline, refreshExpiresAt);
    const access = this.state.tokens.mintAccess(grant, now, this.state.accessTokenTtlSeconds);
    return {
      access_token: access.token,
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      expires_in: this.state.accessTokenTtlSeconds,
      scope: scopes.join(' '),
      token_type: 'Bearer',
    };
  }

  /**
   * Live access tokens (of one account or all) die after `afterCalls` more API calls (0: now).
   * With `future`, tokens issued later get the same allowance.
   */
  expireTokens(request: { account?: string; afterCalls?: number; future?: boolean } = {}): { tokens: number } {
    if (request.account !== undefined) this.requireAccount(request.account);
    const afterCalls = request.afterCalls === undefined ? 0 : nonNegativeInt(request.afterCalls, 'afterCalls');
    return { tokens: this.state.tokens.limitCalls(afterCalls, request.account, request.future ?? false) };
  }

  /** Revokes grants, so refresh answers invalid_grant: a revoked, expired or 7-day "Testing" token. */
  invalidateGrants(request: { account?: string; clientId?: string } = {}): { grants: number } {
    if (request.account !== undefined) this.requireAccount(request.account);
    return { grants: this.state.tokens.revokeAll(request.account, request.clientId) };
  }

  setAccessTokenTtl(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) throw new AdminError('accessTokenTtlSeconds must be a positive integer');
    this.state.accessTokenTtlSeconds = seconds;
  }

  consent(): ConsentSettings & { accessTokenTtlSeconds: number } {
    return { ...this.state.consent, deniedScopes: [...this.state.consent.deniedScopes], accessTokenTtlSeconds: this.state.accessTokenTtlSeconds };
  }

  setConsent(change: Partial<ConsentSettings>): ConsentSettings {
    if (change.account !== undefined && change.account !== null) this.requireAccount(change.account);
    if (change.decision !== undefined && change.decision !== 'approve' && change.decision !== 'deny') {
      throw new AdminError("decision must be 'approve' or 'deny'");
    }
    let denied = this.state.consent.deniedScopes;
    if (change.deniedScopes !== undefined) {
      if (!Array.isArray(change.deniedScopes)) throw new AdminError('deniedScopes must be an array of scopes');
      // Google's scopes by their canonical names; other platforms' permissions (Facebook's user_likes) as given.
      const parsed = parseScopes(change.deniedScopes.join(' '));
      denied = [...parsed.scopes, ...parsed.unknown];
    }
    this.state.consent = {
      account: change.account === undefined ? this.state.consent.account : change.account,
      decision: change.decision ?? this.state.consent.decision,
      deniedScopes: denied,
    };
    return this.consent();
  }

  // ---- faults and latency --------------------------------------------------------------------------

  faults(): FaultRule[] {
    return this.state.faults.list();
  }

  addFault(spec: FaultSpec): FaultRule {
    try {
      return { ...this.state.faults.add(spec) };
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error));
    }
  }

  removeFault(id: string): void {
    if (!this.state.faults.remove(id)) throw new AdminError(`no fault "${id}"`, true);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  latency(): LatencySpec[] {
    return this.state.latency.list();
  }

  addLatency(spec: LatencySpec): LatencySpec[] {
    try {
      this.state.latency.add(spec);
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error));
    }
    return this.latency();
  }

  clearLatency(): void {
    this.state.latency.clear();
  }

  // ---- clock ---------------------------------------------------------------------------------------

  clock(): ClockSnapshot & { nextPacificMidnight: string } {
    const snapshot = this.state.clock.snapshot();
    return { ...snapshot, nextPacificMidnight: new Date(nextPacificMidnight(this.state.now())).toISOString() };
  }

  setClock(change: ClockChange): ClockSnapshot & { nextPacificMidnight: string } {
    const clock = this.state.clock;
    if (change.freeze === true) clock.freeze();
    if (change.set !== undefined) {
      const ms = typeof change.set === 'number' ? change.set : Date.parse(change.set);
      if (!Number.isFinite(ms)) throw new AdminError('set must be an ISO 8601 timestamp or epoch milliseconds');
      clock.set(ms);
    }
    if (change.offsetMs !== undefined) {
      if (typeof change.offsetMs !== 'number' || !Number.isFinite(change.offsetMs)) throw new AdminError('offsetMs must be a number');
      clock.set(Date.now() + change.offsetMs);
    }
    if (change.advanceMs !== undefined) {
      if (typeof change.advanceMs !== 'number' || !Number.isFinite(change.advanceMs)) throw new AdminError('advanceMs must be a number');
      clock.advance(change.advanceMs);
    }
    if (change.toNextPacificMidnight) clock.set(nextPacificMidnight(clock.now()) + (change.plusMs ?? 0));
    if (change.freeze === false) clock.unfreeze();
    return this.clock();
  }

  resetClock(): ClockSnapshot & { nextPacificMidnight: string } {
    this.state.clock.reset();
    return this.clock();
  }

  // ---- quota ---------------------------------------------------------------------------------------

  /** One platform's ledger: its window, default limit, who it bills, and every bucket's status now. */
  quota(platform?: string): { platform: string; window: string; defaultLimit: number; scope: string; buckets: QuotaStatus[] } {
    const now = this.state.now();
    const ledger = this.ledger(platform);
    const buckets = new Set([...this.state.universe.list().map((a) => a.key), ...ledger.buckets()]);
    return {
      platform: [...this.state.quotas].find(([, candidate]) => candidate === ledger)?.[0] ?? '',
      window: ledger.window.name,
      defaultLimit: ledger.defaultLimit,
      scope: ledger.scope,
      buckets: [...buckets].map((b) => ledger.status(b, now)),
    };
  }

  private ledger(platform?: string): QuotaLedger {
    try {
      return this.state.quotaOf(platform);
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error), true);
    }
  }

  setQuota(change: QuotaChange): ReturnType<SandboxAdmin['quota']> {
    const now = this.state.now();
    const ledger = this.ledger(change.platform);
    if (change.defaultLimit !== undefined) ledger.defaultLimit = nonNegativeInt(change.defaultLimit, 'defaultLimit');
    if (change.account !== undefined || change.clientId !== undefined) {
      let bucket: string;
      if (change.clientId !== undefined) bucket = `client:${change.clientId}`;
      else {
        this.requireAccount(change.account as string);
        bucket = change.account as string;
      }
      if (change.limit !== undefined) ledger.setLimit(bucket, change.limit === null ? null : nonNegativeInt(change.limit, 'limit'));
      if (change.used !== undefined) ledger.setUsed(bucket, nonNegativeInt(change.used, 'used'), now);
      if (change.remaining !== undefined) ledger.setRemaining(bucket, nonNegativeInt(change.remaining, 'remaining'), now);
    } else if (change.limit !== undefined || change.used !== undefined || change.remaining !== undefined) {
      throw new AdminError('say which bucket: account or clientId');
    }
    return this.quota(change.platform);
  }

  // ---- request log ---------------------------------------------------------------------------------

  log(filter: { since?: number; limit?: number; api?: string; account?: string } = {}): LogSnapshot {
    const summary = this.state.log.summary();
    const now = this.state.now();
    const unitsToday: Record<string, number> = {};
    for (const bucket of this.state.quotaOf().buckets()) unitsToday[bucket] = this.state.quotaOf().status(bucket, now).used;
    return {
      ...summary,
      units: this.state.quotaOf().spentByDay(),
      unitsToday,
      unitCosts: YOUTUBE_UNIT_COSTS,
      entries: this.state.log.query(filter),
    };
  }

  clearLog(): void {
    this.state.log.clear();
  }

  // ---- everything ----------------------------------------------------------------------------------

  /** Back to the start configuration: accounts, clients, no tokens, faults, latency, log, quota use or clock offset. */
  reset(): void {
    this.state.reset();
  }

  overview(): Record<string, unknown> {
    return {
      baseUrl: this.state.baseUrl,
      clock: this.clock(),
      accounts: this.state.universe.list().map((a) => a.key),
      clients: [...this.state.clients.keys()],
      consent: this.consent(),
      faults: this.faults(),
      latency: this.latency(),
      quota: this.quota(),
      tokens: this.state.tokens.stats(),
      log: this.state.log.summary(),
    };
  }
}
