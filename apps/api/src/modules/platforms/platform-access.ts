import type { PlatformAdapter, PlatformCallContext, PlatformWait } from '@app/platform-adapters';

/** A user's working connection to one platform, as an export or a request uses it. */
export interface ConnectedPlatform {
  connectionId: string;
  userId: string;
  platform: string;
  adapter: PlatformAdapter;
  /** The call context for one job or request: credentials from the vault, the quota ledger, the signal. */
  callContext(signal: AbortSignal, onWait?: (wait: PlatformWait) => void): PlatformCallContext;
}

export interface QuotaStanding {
  used: number;
  limit: number;
  remaining: number;
  resetsAt: Date;
  /** The usage percentage the platform itself reported last in this window, when it reports one (Facebook). */
  reportedPercent?: number | null;
}

/**
 * What other modules (Export) may ask of the Platforms module. Kept small so the export engine never
 * sees tokens or ledger tables, only a ready call context.
 */
export abstract class PlatformAccess {
  /** Throws ApiError 409 PLATFORM_NOT_CONNECTED when the user has no usable connection. */
  abstract connected(userId: string, platform: string): Promise<ConnectedPlatform>;

  /** The connection's standing in the platform's main quota bucket. */
  abstract quota(connection: ConnectedPlatform): Promise<QuotaStanding>;

  /** After the platform refused the credentials for good: the user must reconnect. */
  abstract markNeedsReconnect(connection: ConnectedPlatform, reason: string): Promise<void>;

  /** Records a successful sync (shown as `lastSync` in the platform status). */
  abstract recordSync(connection: ConnectedPlatform, at: Date): Promise<void>;
}
