import type { CredentialStore } from './credentials';

/** One quota charge: a request that is about to be sent. */
export interface QuotaCharge {
  platform: string;
  /** Ledger bucket; `default` is the platform's general pool (PlatformDescriptor.limits). */
  bucket: string;
  units: number;
  /** The platform method, e.g. `channels.list`. */
  operation: string;
}

/** The connection's quota ledger, as seen by the platform client. */
export interface QuotaLedger {
  /**
   * Records one request. Called for every attempt, retries included, just before it is sent and before
   * the answer is known: platforms bill requests they reject (YouTube bills invalid ones), and a crash
   * mid-call must not under-count. May throw QuotaExceededError to stop a call the budget cannot cover;
   * nothing is sent then.
   */
  charge(charge: QuotaCharge): void | Promise<void>;
  /**
   * Records how much of its own budget the platform says is used (Meta's X-App-Usage and
   * X-Business-Use-Case-Usage percentages), for the connection's status. Optional: ledgers that show
   * nothing of it leave it out.
   */
  reportUsage?(report: PlatformUsageReport): void | Promise<void>;
}

/** What a platform reported of its own budget with an answer. */
export interface PlatformUsageReport {
  platform: string;
  /** The highest percentage it reported, 0 to 100 (more when it is already throttling). */
  percent: number;
}

export type PlatformWaitCause = 'rate_limited' | 'platform_unavailable';

/** A wait the client is sleeping through, for progress reporting ("waiting for the rate limit"). */
export interface PlatformWait {
  operation: string;
  /** Asked to slow down (429, a spent window), or the platform failing (5xx) and retried later. */
  cause: PlatformWaitCause;
  reason: string;
  waitMs: number;
  resumeAt: Date;
}

/**
 * Everything a platform call needs from its caller, whether it is a connect request or an export job.
 * Adapters receive it and pass it on to the platform client untouched.
 */
export interface PlatformCallContext {
  /** Stable id of the connection; keys single-flight refresh and rate-limit pauses. */
  connectionId: string;
  credentials: CredentialStore;
  quota: QuotaLedger;
  /** Cancels the call, including any backoff sleep; the call then rejects with `signal.reason`. */
  signal: AbortSignal;
  onWait?: (wait: PlatformWait) => void;
  /** Whom the calls work for (e.g. `export <id>`): every warning they log names it, so a log line leads to its export. */
  logLabel?: string;
}
