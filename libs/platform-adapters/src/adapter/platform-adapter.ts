import type { ExportOptions, PlatformDescriptor } from '@app/contracts';
import { UnknownCollectionError } from '../errors';
import type { AccountInfo } from './account-info';
import type { PlatformCallContext } from './call-context';
import type { CollectionPlan, Cursor, Page } from './collection';
import type { OAuthTokens } from './credentials';

/**
 * What every platform implements. Adapters are Nest providers collected under PLATFORM_ADAPTERS and looked
 * up through PlatformAdapterRegistry; they do HTTP only through PlatformHttpClient and never touch the
 * database, the queue or sockets.
 */
export abstract class PlatformAdapter {
  abstract readonly descriptor: PlatformDescriptor;

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
   * The collections an export with these options pulls, in order. An adapter may declare none, which is
   * the case for a platform whose collections are not built yet: the export service refuses to start an
   * export with no collections instead of queueing a job that cannot produce anything.
   */
  collections(_options: ExportOptions): CollectionPlan[] {
    return [];
  }

  /**
   * Pages of one collection from `from` (or the start), each with the cursor of the page after it.
   * Only ever called with a plan this adapter returned from collections().
   */
  pages(_ctx: PlatformCallContext, plan: CollectionPlan, _from?: Cursor): AsyncIterable<Page> {
    throw new UnknownCollectionError(this.descriptor.name, plan.collection);
  }
}
