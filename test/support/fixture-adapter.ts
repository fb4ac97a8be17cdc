import type { PlatformDescriptor } from '@app/contracts';
import {
  CredentialsRejectedError,
  PlatformAdapter,
  QuotaExceededError,
  RateLimitedError,
} from '@app/platform-adapters';
import type { AccountInfo, CollectionPlan, Cursor, ExportItem, Page, PlatformCallContext } from '@app/platform-adapters';

export const FIXTURE = 'fixture';
export const PAGE_SIZE = 50;

/** A failure the fixture throws instead of serving one page, `times` times. */
export interface PageFault {
  collection: string;
  /** Zero-based page number. */
  page: number;
  error: () => Error;
  times: number;
}

export interface FixtureSettings {
  totals: Record<string, number>;
  /** Added before each page, so tests can act while an export runs. */
  pageDelayMs: number;
  faults: PageFault[];
  /** When set, every item of `posts` refers to this media URL. */
  mediaUrl?: string;
}

/**
 * A platform written for the export engine's tests: serves `totals[collection]` items from a
 * generator in pages of 50, counts every page it serves, charges one quota unit per page, and can
 * fail at a chosen page. It stands behind the same registry, call context and quota ledger as a
 * real adapter.
 */
export class FixtureAdapter extends PlatformAdapter {
  override readonly views = { posts: { title: 'title', date: 'createdAt', text: 'text' } };

  readonly descriptor = {
    name: FIXTURE,
    displayName: 'Fixture',
    authType: 'oauth',
    exportFormats: ['json', 'csv', 'html'],
    features: { posts: true, photos: true },
    limits: [{ bucket: 'default', unit: 'call', limit: 1_000, reset: { type: 'daily', timeZone: 'UTC' } }],
  } as unknown as PlatformDescriptor;

  settings: FixtureSettings = FixtureAdapter.defaults();
  /** `collection:page` → how often it was served. */
  readonly served = new Map<string, number>();

  static defaults(): FixtureSettings {
    return { totals: { posts: 120, photos: 30 }, pageDelayMs: 0, faults: [] };
  }

  reset(settings: Partial<FixtureSettings> = {}): void {
    this.settings = { ...FixtureAdapter.defaults(), ...settings };
    this.served.clear();
  }

  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    const credentials = await ctx.credentials.load();
    if (credentials.kind !== 'oauth' || credentials.accessToken === 'rejected') {
      throw new CredentialsRejectedError(FIXTURE, 'rejected', 'fixture refuses this token');
    }
    return { accountId: 'acct-1', name: 'Fixture Account', scopes: ['read_posts', 'read_media'], tokenExpiry: new Date(Date.now() + 3_600_000) };
  }

  override collections(): CollectionPlan[] {
    return ['posts', 'photos'].map((collection) => ({
      collection,
      feature: collection,
      estimatedUnits: Math.ceil((this.settings.totals[collection] ?? 0) / PAGE_SIZE) || 1,
    }));
  }

  override async *pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    const total = this.settings.totals[plan.collection] ?? 0;
    let start = from ? Number(from) : 0;
    do {
      const page = Math.floor(start / PAGE_SIZE);
      await sleep(this.settings.pageDelayMs, ctx.signal);
      ctx.signal.throwIfAborted();
      const credentials = await ctx.credentials.load();
      if (credentials.kind !== 'oauth') throw new CredentialsRejectedError(FIXTURE, 'wrong_kind');
      const fault = this.settings.faults.find((f) => f.collection === plan.collection && f.page === page && f.times > 0);
      if (fault) {
        fault.times -= 1;
        throw fault.error();
      }
      await ctx.quota.charge({ platform: FIXTURE, bucket: 'default', units: 1, operation: `${plan.collection}.list` });
      const key = `${plan.collection}:${page}`;
      this.served.set(key, (this.served.get(key) ?? 0) + 1);
      const end = Math.min(start + PAGE_SIZE, total);
      const items: ExportItem[] = [];
      for (let i = start; i < end; i += 1) items.push(this.item(plan.collection, i));
      start = end;
      yield { items, cursor: end < total ? String(end) : undefined, totalEstimate: total };
    } while (start < total);
  }

  private item(collection: string, index: number): ExportItem {
    const item: ExportItem = {
      id: `${collection}-${index}`,
      data: {
        title: `Item ${index}, "quoted" <b>bold</b>`,
        text: index % 7 === 0 ? '=SUM(A1:A9)' : `line one\nline two 🎉 مرحبا`,
        createdAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
        stats: { likes: index, shares: index % 3 },
      },
    };
    if (collection === 'posts' && this.settings.mediaUrl) item.media = [{ url: `${this.settings.mediaUrl}?i=${index}`, kind: 'image' }];
    return item;
  }
}

export const rateLimited = (seconds: number) => (): Error => new RateLimitedError(FIXTURE, new Date(Date.now() + seconds * 1000), 'test');
export const quotaExceeded = (seconds: number) => (): Error =>
  new QuotaExceededError(FIXTURE, 'default', new Date(Date.now() + seconds * 1000), 'test quota');

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

export const JSON_ONLY_FIXTURE = 'jsononly';

/** The fixture under another name that offers JSON only: a platform without CSV and HTML exports. */
export class JsonOnlyFixtureAdapter extends FixtureAdapter {
  override readonly descriptor = {
    name: JSON_ONLY_FIXTURE,
    displayName: 'JSON-only fixture',
    authType: 'oauth',
    exportFormats: ['json'],
    features: { posts: true, photos: true },
    limits: [{ bucket: 'default', unit: 'call', limit: 1_000, reset: { type: 'daily', timeZone: 'UTC' } }],
  } as unknown as PlatformDescriptor;
}
