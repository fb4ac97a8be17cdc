import type { ExportOptions, PlatformDescriptor } from '@app/contracts';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../adapter/collection';
import type { CollectionViews } from '../adapter/collection-view';
import { PlatformAdapter } from '../adapter/platform-adapter';
import { InvalidCursorError } from '../errors';
import { InvalidArchiveError } from './invalid-archive';
import { asRecord, stringField } from '../json-shape';

/**
 * The collection each platform's API can top up an archive with. Only where it matters and where the
 * API can ask for "newer than an id": X's timeline serves just the 3,200 newest posts but takes
 * `since_id`, and its ids grow with time, so the archive's newest id splits the two sources cleanly.
 */
export const ARCHIVE_TOP_UPS: Readonly<Record<string, string>> = { twitter: 'tweets' };

export function topUpCollectionOf(platform: string): string | undefined {
  return Object.hasOwn(ARCHIVE_TOP_UPS, platform) ? ARCHIVE_TOP_UPS[platform] : undefined;
}

/** Where a topped-up record came from, written into each record as `source`. */
export type ItemSource = 'archive' | 'api';

/**
 * `api`: paging the API's newer items (its own cursor inside); `archive`: paging the archive's items.
 * `sinceId` is the archive's newest id, found once before the API is called and kept across resumes so
 * a resumed job asks the API for the same window.
 */
interface TopUpCursor {
  phase: 'api' | 'archive';
  sinceId: string | null;
  inner?: string;
}

/**
 * An archive import with `topUp`: every collection comes from the archive, except the platform's
 * top-up collection, which is the API's items newer than the archive's newest (asked with the API's own
 * `sinceId` window, so nothing older is read or billed), newest first, then the archive's own. The two
 * sets are disjoint by id, which is the merge: each item once, the newer ones from the API. Each
 * record says where it came from (`source`); the cursor names the phase, so a resumed job goes on
 * where its last checkpoint was and neither repeats nor loses a page.
 */
export class TopUpSourceAdapter extends PlatformAdapter {
  readonly descriptor: PlatformDescriptor;
  override readonly views?: CollectionViews;

  constructor(
    private readonly archive: PlatformAdapter,
    private readonly api: PlatformAdapter,
    private readonly apiContext: (ctx: PlatformCallContext) => PlatformCallContext,
    private readonly collection: string,
  ) {
    super();
    this.descriptor = archive.descriptor;
    this.views = archive.views;
  }

  /** The archive's account, which must be the connected one: the merge never mixes two accounts' items. */
  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    const archived = await this.archive.verifyCredentials(ctx);
    const connected = await this.api.verifyCredentials(this.apiContext(ctx));
    if (connected.accountId !== archived.accountId) {
      const name = (info: AccountInfo): string => (info.handle ? `@${info.handle}` : info.accountId);
      throw new InvalidArchiveError('account_mismatch', `The archive is ${name(archived)}'s but the connected account is ${name(connected)}: topUp merges only the same account`);
    }
    return archived;
  }

  collections(options: ExportOptions): CollectionPlan[] {
    return this.archive.collections(options).map((plan) => {
      if (plan.collection !== this.collection) return plan;
      const apiPlan = this.api.collections({ ...options, collections: [plan.feature] }).find((candidate) => candidate.collection === this.collection);
      return { ...plan, params: { ...plan.params, ...apiPlan?.params } };
    });
  }

  async *pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    if (plan.collection !== this.collection) {
      yield* this.archive.pages(ctx, plan, from);
      return;
    }
    const cursor = from === undefined ? { phase: 'api' as const, sinceId: await this.newestArchiveId(ctx, plan) } : readCursor(from, this.descriptor.name, plan.collection);
    if (cursor.phase === 'api') {
      const apiPlan: CollectionPlan = { ...plan, params: { ...plan.params, ...(cursor.sinceId !== null ? { sinceId: cursor.sinceId } : {}) } };
      for await (const page of this.api.pages(this.apiContext(ctx), apiPlan, cursor.inner)) {
        const next: TopUpCursor = page.cursor !== undefined ? { phase: 'api', sinceId: cursor.sinceId, inner: page.cursor } : { phase: 'archive', sinceId: cursor.sinceId };
        yield { ...page, items: page.items.map((item) => marked(item, 'api')), cursor: JSON.stringify(next) };
      }
    }
    const inner = cursor.phase === 'archive' ? cursor.inner : undefined;
    for await (const page of this.archive.pages(ctx, plan, inner)) {
      const items = page.items.filter((item) => cursor.sinceId === null || !newer(item.id, cursor.sinceId)).map((item) => marked(item, 'archive'));
      const { cursor: innerNext, ...rest } = page;
      yield { ...rest, items, ...(innerNext !== undefined ? { cursor: JSON.stringify({ phase: 'archive', sinceId: cursor.sinceId, inner: innerNext } satisfies TopUpCursor) } : {}) };
    }
  }

  /** The archive's newest id (ids grow with time), read in one streamed pass; null for an empty collection. */
  private async newestArchiveId(ctx: PlatformCallContext, plan: CollectionPlan): Promise<string | null> {
    let newest: string | null = null;
    for await (const page of this.archive.pages(ctx, plan)) {
      for (const item of page.items) if (newest === null || newer(item.id, newest)) newest = item.id;
    }
    return newest;
  }
}

/** Numeric ids compared as numbers of any length (X's ids pass 2^53). */
function newer(id: string, than: string): boolean {
  if (!/^\d+$/.test(id) || !/^\d+$/.test(than)) return false;
  return BigInt(id) > BigInt(than);
}

function marked(item: ExportItem, source: ItemSource): ExportItem {
  return { ...item, data: { ...item.data, source } };
}

function readCursor(raw: Cursor, platform: string, collection: string): TopUpCursor {
  try {
    const parsed = asRecord(JSON.parse(raw));
    const phase = parsed?.phase;
    const sinceId = parsed?.sinceId;
    if ((phase === 'api' || phase === 'archive') && (sinceId === null || (typeof sinceId === 'string' && /^\d+$/.test(sinceId)))) {
      return { phase, sinceId, inner: stringField(parsed, 'inner') };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError(platform, collection, 'not a top-up cursor');
}
