import type { ExportOptions, PlatformDescriptor } from '@app/contracts';
import type { AccountInfo } from './account-info';
import type { PlatformCallContext } from './call-context';
import type { CollectionPlan, Cursor, ExportItem, MediaReference, Page } from './collection';
import type { CollectionViews } from './collection-view';
import type { OAuthTokens, SessionCookies } from './credentials';
import type { OAuthConnectCapability } from './oauth-connect';

/** What an export with given options is expected to cost, from the platform's own counts. */
export interface ExportEstimate {
  /**
   * Quota units in the platform's default bucket. Exact where the adapter can know the counts up front
   * (YouTube: the channel's video count), a lower bound where it cannot (how many replies a comment has).
   */
  units: number;
  /** Items the export is expected to hold, on the same terms. */
  items: number;
}

/**
 * What every platform implements. Adapters are Nest providers collected under PLATFORM_ADAPTERS and looked
 * up through PlatformAdapterRegistry; they do HTTP only through PlatformHttpClient and never touch the
 * database, the queue or sockets.
 */
export abstract class PlatformAdapter {
  abstract readonly descriptor: PlatformDescriptor;

  /** How the offline HTML viewer presents each collection's items; without it, items show as field lists. */
  readonly views?: CollectionViews;

  /**
   * The OAuth consent-screen connect step, on platforms that connect that way (see oauth-connect.ts).
   * Declared only, so that nothing here shadows an adapter that provides it as a getter.
   */
  declare readonly oauth?: OAuthConnectCapability;

  /** What the user must know before relying on this connection (account risks), shown in the connect answer. */
  readonly connectWarnings?: readonly string[];

  /**
   * Cookie platforms: reads the browser session a user pasted into the connect request (whatever forms
   * the platform accepts) into SessionCookies. Throws an Error whose message tells the user what is wrong.
   */
  parseSession?(input: unknown): SessionCookies;

  /**
   * Checks the credentials against the platform and says whose they are. Used on connect and at the start
   * of an export (the manifest's account block). Throws CredentialsRejectedError when they do not work.
   */
  abstract verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo>;

  /** Exchanges a refresh token for new tokens (OAuth platforms with a refresh grant). */
  refresh?(tokens: OAuthTokens, signal?: AbortSignal): Promise<OAuthTokens>;

  /** Revokes the grant at the platform, on disconnect. Already-revoked tokens count as success. */
  revoke?(tokens: OAuthTokens, signal?: AbortSignal): Promise<void>;

  /**
   * The collections an export with these options pulls, in order, already narrowed to
   * `options.collections`. The export service refuses to start an export with none instead of queueing a
   * job that cannot produce anything.
   */
  abstract collections(options: ExportOptions): CollectionPlan[];

  /**
   * Optional pre-flight: what an export with these options will cost, asking the platform for the counts
   * it needs (YouTube: one `channels.list`, 1 unit). Honours `options.collections` the way the export
   * service filters plans. Adapters without it leave the service to sum the plans' `estimatedUnits`,
   * which are lower bounds.
   */
  estimate?(ctx: PlatformCallContext, options: ExportOptions): Promise<ExportEstimate>;

  /**
   * Pages of one collection from `from` (or the start), each with the cursor of the page after it.
   * Only ever called with a plan this adapter returned from collections(); a plan it does not know is an
   * UnknownCollectionError, a cursor it did not write an InvalidCursorError.
   */
  abstract pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page>;

  /**
   * Optional, for platforms whose media links expire (Facebook's signed CDN links): a fresh link for the
   * media file `index` of `item` whose download failed with `error`, read from the platform again.
   * Undefined when the failure is not an expired link, or the item no longer has that file. The export
   * asks once per file and records the original failure when it gets nothing.
   */
  renewMedia?(ctx: PlatformCallContext, expired: ExpiredMedia): Promise<MediaReference | undefined>;
}

/** A media download that failed, as the export hands it to PlatformAdapter.renewMedia. */
export interface ExpiredMedia {
  collection: string;
  item: ExportItem;
  /** Which of `item.media`. */
  index: number;
  error: unknown;
}
