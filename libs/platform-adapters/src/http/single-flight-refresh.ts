import type { PlatformCallContext } from '../adapter/call-context';
import type { OAuthTokens } from '../adapter/credentials';
import { CredentialsRejectedError } from '../errors';
import { untilAborted } from './http-policy';

/** How long a refused refresh waits for another process's rotated tokens to reach the store. */
const ROTATION_GRACE_MS = 3_000;
const ROTATION_POLL_MS = 250;

export type RefreshFunction = (tokens: OAuthTokens, signal: AbortSignal) => Promise<OAuthTokens>;

/**
 * However many calls of one connection find their token refused at once, one refresh runs and they all
 * get its result. The new tokens are saved through the connection's CredentialStore before anyone may use
 * them. Scope: one process. Another process refreshing the same connection is noticed (the stored token
 * differs from the refused one). When both refresh at once on a platform that rotates refresh tokens (X),
 * the loser's grant is refused because the winner's refresh retired the token; the loser then watches the
 * store for a while for the winner's new tokens and takes them, instead of declaring the connection lost.
 */
export class SingleFlightRefresh {
  private readonly flights = new Map<string, Promise<OAuthTokens>>();

  constructor(
    private readonly platform: string,
    private readonly refresh: RefreshFunction,
    private readonly timeoutMs: number,
  ) {}

  /** Fresh tokens to replace `stale`, which the platform refused or which have expired. */
  renew(ctx: PlatformCallContext, stale: OAuthTokens): Promise<OAuthTokens> {
    let flight = this.flights.get(ctx.connectionId);
    if (!flight) {
      flight = this.run(ctx, stale).finally(() => this.flights.delete(ctx.connectionId));
      // A waiter that gives up on its own signal must not leave the shared refresh's failure unobserved.
      flight.catch(() => undefined);
      this.flights.set(ctx.connectionId, flight);
    }
    return untilAborted(flight, ctx.signal);
  }

  private async run(ctx: PlatformCallContext, stale: OAuthTokens): Promise<OAuthTokens> {
    const current = await ctx.credentials.load();
    if (current.kind !== 'oauth') throw new CredentialsRejectedError(this.platform, 'wrong_kind');
    // Someone (a flight that just ended, another process) already replaced the refused token.
    if (current.accessToken !== stale.accessToken) return current;
    if (!current.refreshToken) throw new CredentialsRejectedError(this.platform, 'no_refresh_token');
    // Deliberately not the caller's signal: the refresh serves every waiter, and aborting it after the
    // platform has rotated the refresh token but before we saved it would lose the connection.
    let next: OAuthTokens;
    try {
      next = await this.refresh(current, AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      if (!(error instanceof CredentialsRejectedError)) throw error;
      const rotated = await this.rotatedElsewhere(ctx, current.refreshToken);
      if (rotated) return rotated;
      throw error;
    }
    await ctx.credentials.save(next);
    return next;
  }

  /** Tokens another process stored after refreshing with the same refresh token, if it does so soon. */
  private async rotatedElsewhere(ctx: PlatformCallContext, used: string): Promise<OAuthTokens | undefined> {
    for (let waited = 0; waited <= ROTATION_GRACE_MS; waited += ROTATION_POLL_MS) {
      const stored = await ctx.credentials.load();
      if (stored.kind === 'oauth' && stored.refreshToken !== undefined && stored.refreshToken !== used) return stored;
      await new Promise((resolve) => setTimeout(resolve, ROTATION_POLL_MS));
    }
    return undefined;
  }
}
