import type { PlatformCallContext } from '../adapter/call-context';
import type { OAuthTokens } from '../adapter/credentials';
import { CredentialsRejectedError } from '../errors';
import { untilAborted } from './http-policy';

export type RefreshFunction = (tokens: OAuthTokens, signal: AbortSignal) => Promise<OAuthTokens>;

/**
 * However many calls of one connection find their token refused at once, one refresh runs and they all
 * get its result. The new tokens are saved through the connection's CredentialStore before anyone may use
 * them. Scope: one process. Another process refreshing the same connection is noticed (the stored token
 * differs from the refused one) but not prevented; that would need a lock in the token vault.
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
    const next = await this.refresh(current, AbortSignal.timeout(this.timeoutMs));
    await ctx.credentials.save(next);
    return next;
  }
}
