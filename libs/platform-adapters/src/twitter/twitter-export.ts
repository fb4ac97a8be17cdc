import type { ExportOptions } from '@app/contracts';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../adapter/collection';
import type { ExportEstimate } from '../adapter/platform-adapter';
import { InvalidCursorError, MalformedResponseError, UnknownCollectionError } from '../errors';
import type { PlatformHttpClient, QueryValue } from '../http/platform-http-client';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';
import { TwitterBilling, type BilledKind } from './twitter-billing';
import { readIncludes, tweetRecord, userRecord } from './twitter-records';
import {
  MEDIA_FIELDS,
  TWEET_EXPANSIONS,
  TWEET_FIELDS,
  TWITTER_LISTS,
  TWITTER_SPEND_BUCKET,
  USER_FIELDS,
  type TwitterList,
} from './twitter.descriptor';

interface TwitterCursor {
  userId: string;
  token?: string;
  count: number;
}

const ARCHIVE_HINT = 'import your X data archive for the full history';

/** The resources of a list answer X bills: the entries of `data`. */
function billedEntries(kind: BilledKind) {
  return (body: unknown): { kind: BilledKind; id: string }[] =>
    (arrayField(body, 'data') ?? []).flatMap((entry) => {
      const id = stringField(entry, 'id');
      return id ? [{ kind, id }] : [];
    });
}

/** The day a post was published, as `YYYY-MM-DD` (X's created_at is ISO 8601 UTC). */
const dayOf = (item: ExportItem): string | undefined => (typeof item.data.createdAt === 'string' ? item.data.createdAt.slice(0, 10) : undefined);

/**
 * X's collections: the profile, then each list paged with `pagination_token` until `meta.next_token` is
 * absent. Spending follows what X bills (TwitterBilling): each page reserves its `max_results` reads
 * before it is sent, so the budget is never exceeded, and keeps only the resources it returned that
 * were not read earlier the same UTC day. dateRange is sent as start_time/end_time to the timeline, the
 * only list that takes them; likes and bookmarks keep the posts published within the range (X does not
 * say when a post was liked or bookmarked); followers and following have no date to filter on.
 */
export class TwitterExport {
  /** The user id behind each connection: it never changes, so an export asks users/me once per process. */
  private readonly userIds = new Map<string, string>();
  private readonly billing: TwitterBilling;

  constructor(
    private readonly client: PlatformHttpClient,
    private readonly readMicros: number,
  ) {
    this.billing = new TwitterBilling(readMicros);
  }

  plans(options: ExportOptions): CollectionPlan[] {
    const wanted = options.collections;
    const params = { includeMedia: options.includeMedia === true, maxRecords: options.maxRecords ?? null, start: options.dateRange?.start ?? null, end: options.dateRange?.end ?? null };
    const all: CollectionPlan[] = [
      { collection: 'profile', feature: 'profile', estimatedUnits: this.readMicros, params },
      ...(Object.keys(TWITTER_LISTS) as TwitterList[]).map((name) => ({ collection: name, feature: TWITTER_LISTS[name].feature, estimatedUnits: this.readMicros, params })),
    ];
    return wanted ? all.filter((plan) => wanted.includes(plan.feature)) : all;
  }

  /** From the profile's counts: every item of every list asked for, at the owned-read price, plus the profile. */
  async estimate(ctx: PlatformCallContext, options: ExportOptions): Promise<ExportEstimate> {
    const me = await this.me(ctx);
    const metrics = asRecord(me.public_metrics);
    const counts: Record<TwitterList, number> = {
      tweets: Math.min(numberField(metrics, 'tweet_count') ?? 0, 3200),
      likes: numberField(metrics, 'like_count') ?? 0,
      // X does not count bookmarks publicly; at least a request's worth is read.
      bookmarks: 0,
      followers: numberField(metrics, 'followers_count') ?? 0,
      following: numberField(metrics, 'following_count') ?? 0,
    };
    let items = 0;
    for (const plan of this.plans(options)) {
      if (plan.collection === 'profile') items += 1;
      else items += Math.min(counts[plan.collection as TwitterList], options.maxRecords ?? Infinity);
    }
    return { units: items * this.readMicros, items };
  }

  async *pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    const withMedia = plan.params?.includeMedia === true;
    if (plan.collection === 'profile') {
      yield { items: [userRecord(await this.me(ctx), withMedia)] };
      return;
    }
    if (!(plan.collection in TWITTER_LISTS)) throw new UnknownCollectionError('twitter', plan.collection);
    const list = TWITTER_LISTS[plan.collection as TwitterList];
    let cursor = from === undefined ? { userId: await this.userId(ctx), count: 0 } : this.readCursor(from, plan.collection);
    const maxRecords = typeof plan.params?.maxRecords === 'number' ? plan.params.maxRecords : Infinity;
    const posts = list.path !== 'followers' && list.path !== 'following';
    const start = typeof plan.params?.start === 'string' ? plan.params.start : undefined;
    const end = typeof plan.params?.end === 'string' ? plan.params.end : undefined;
    const filterByDay = posts && list.path !== 'tweets' && (start !== undefined || end !== undefined);
    for (;;) {
      const size = Math.max(posts ? (list.path === 'bookmarks' ? 1 : 5) : 1, Math.min(list.max, maxRecords - cursor.count));
      const query: Record<string, QueryValue> = { max_results: size, pagination_token: cursor.token };
      if (posts) Object.assign(query, { 'tweet.fields': TWEET_FIELDS, expansions: TWEET_EXPANSIONS, 'media.fields': MEDIA_FIELDS, 'user.fields': 'username,name' });
      else query['user.fields'] = USER_FIELDS;
      if (list.path === 'tweets' && start !== undefined) query.start_time = `${start}T00:00:00Z`;
      if (list.path === 'tweets' && end !== undefined) query.end_time = `${end}T23:59:59Z`;
      // An archive import's top-up: only posts newer than the archive's newest, so nothing older is billed.
      if (list.path === 'tweets' && typeof plan.params?.sinceId === 'string') query.since_id = plan.params.sinceId;
      const operation = `users.${list.path}`;
      const body = await this.billing.charged(
        ctx,
        operation,
        size,
        () => this.client.callJson(ctx, { operation, url: `users/${cursor.userId}/${list.path}`, query, cost: { units: 0, bucket: TWITTER_SPEND_BUCKET } }),
        billedEntries(posts ? 'post' : 'user'),
      );
      // A page without `data` is empty, not an error; X sends such pages mid-list with a next_token.
      const includes = readIncludes(body);
      const items: ExportItem[] = (arrayField(body, 'data') ?? [])
        .map((entry) => asRecord(entry))
        .filter((entry): entry is Record<string, unknown> => entry !== undefined && typeof entry.id === 'string')
        .map((entry) => (posts ? tweetRecord(entry, includes, withMedia) : userRecord(entry, withMedia)))
        .filter((item) => !filterByDay || within(dayOf(item), start, end))
        .slice(0, maxRecords - cursor.count);
      const count = cursor.count + items.length;
      const next = stringField(asRecord(asRecord(body)?.meta), 'next_token');
      const done = !next || count >= maxRecords;
      const warnings: string[] = [];
      if (done && !next && list.cap !== undefined && count >= list.cap) {
        warnings.push(`X's API serves only the ${list.cap.toLocaleString('en-US')} most recent ${list.path === 'tweets' ? 'posts' : 'bookmarks'}; ${ARCHIVE_HINT}`);
      }
      cursor = { userId: cursor.userId, token: next, count };
      yield { items, ...(done ? {} : { cursor: JSON.stringify(cursor) }), ...(warnings.length > 0 ? { warnings } : {}) };
      if (done) return;
    }
  }

  /** The token's user with the fields the archive keeps; 1 user read. */
  async me(ctx: PlatformCallContext): Promise<Record<string, unknown>> {
    const body = await this.billing.charged(
      ctx,
      'users.me',
      1,
      () => this.client.callJson(ctx, { operation: 'users.me', url: 'users/me', query: { 'user.fields': USER_FIELDS }, cost: { units: 0, bucket: TWITTER_SPEND_BUCKET } }),
      (answer) => {
        const id = stringField(asRecord(asRecord(answer)?.data), 'id');
        return id ? [{ kind: 'user' as const, id }] : [];
      },
    );
    const me = asRecord(asRecord(body)?.data);
    if (!me || typeof me.id !== 'string') throw new MalformedResponseError('twitter', 'users.me', 'no user in the answer');
    this.userIds.set(ctx.connectionId, me.id);
    return me;
  }

  private async userId(ctx: PlatformCallContext): Promise<string> {
    return this.userIds.get(ctx.connectionId) ?? ((await this.me(ctx)).id as string);
  }

  private readCursor(raw: Cursor, collection: string): TwitterCursor {
    try {
      const parsed = asRecord(JSON.parse(raw));
      const userId = stringField(parsed, 'userId');
      const count = numberField(parsed, 'count');
      if (userId && /^\d+$/.test(userId) && count !== undefined) return { userId, count, token: stringField(parsed, 'token') };
    } catch {
      // fall through
    }
    throw new InvalidCursorError('twitter', collection, 'not a cursor this adapter wrote');
  }
}

/** Whether a `YYYY-MM-DD` day lies within an inclusive range; an item without a day is kept. */
function within(day: string | undefined, start: string | undefined, end: string | undefined): boolean {
  if (day === undefined) return true;
  return (start === undefined || day >= start) && (end === undefined || day <= end);
}
