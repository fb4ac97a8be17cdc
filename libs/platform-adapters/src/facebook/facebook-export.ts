import type { ExportOptions } from '@app/contracts';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, JsonObject, Page } from '../adapter/collection';
import { MalformedResponseError, PlatformRequestError, RateLimitedError, UnknownCollectionError } from '../errors';
import { abortableSleep } from '../http/http-policy';
import type { QueryValue } from '../http/platform-http-client';
import type { FacebookUsage } from '../http/rate-limit-headers';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';
import { decodeCursor, encodeCursor, type FacebookCursor, type SkipRule } from './facebook-cursor';
import type { FacebookGraph } from './facebook-graph';
import { albumRecord, friendRecord, likeRecord, photoRecord, postRecord, profileRecord, unixSeconds, videoRecord } from './facebook-records';
import { DEFAULT_REGAIN_MINUTES } from './facebook-responses';

/** The largest `limit` the Graph's edges honour. */
export const GRAPH_PAGE_LIMIT = 100;
/** Usage (percent of any X-App-Usage or BUC figure) from which calls slow down, and at which the export parks. */
export const SLOW_FROM_PERCENT = 75;
export const PARK_AT_PERCENT = 95;
const DAY_MS = 86_400_000;
/** How long before the token ends an export warns that the connection needs renewing. */
export const RECONNECT_WARNING_MS = 7 * DAY_MS;

export const PROFILE_FIELDS = 'id,name,first_name,last_name,email,link,picture';
const POST_FIELDS =
  'id,message,story,created_time,updated_time,permalink_url,status_type,full_picture,place,' +
  'attachments{media_type,type,url,title,description,media,target,subattachments}';
const PHOTO_FIELDS = 'id,name,created_time,images,album,link,place,from';

interface Edge {
  collection: string;
  feature: string;
  path: string;
  query: Record<string, string>;
  /** Pages by `since`/`until` (and takes them for dateRange). */
  timePaged: boolean;
  /** Newest first by created_time: a refused cursor is replaced by skipping what was newer. */
  timeOrdered: boolean;
  record(object: Record<string, unknown>): ExportItem;
}

/** Every collection but the profile, in export order. */
const EDGES: readonly Edge[] = [
  { collection: 'posts', feature: 'posts', path: 'me/posts', query: { fields: POST_FIELDS }, timePaged: true, timeOrdered: true, record: postRecord },
  { collection: 'photos', feature: 'photos', path: 'me/photos', query: { type: 'uploaded', fields: PHOTO_FIELDS }, timePaged: false, timeOrdered: true, record: photoRecord },
  { collection: 'tagged-photos', feature: 'photos', path: 'me/photos', query: { type: 'tagged', fields: PHOTO_FIELDS }, timePaged: false, timeOrdered: true, record: photoRecord },
  // Photos are listed once, under photos; an album lists its photos' ids.
  { collection: 'albums', feature: 'albums', path: 'me/albums', query: { fields: 'id,name,description,count,created_time,link' }, timePaged: false, timeOrdered: false, record: (album) => albumRecord(album, []) },
  {
    collection: 'videos',
    feature: 'videos',
    path: 'me/videos',
    query: { type: 'uploaded', fields: 'id,title,description,created_time,length,permalink_url,source,picture' },
    timePaged: false,
    timeOrdered: true,
    record: videoRecord,
  },
  { collection: 'likes', feature: 'likes', path: 'me/likes', query: { fields: 'id,name,created_time' }, timePaged: false, timeOrdered: true, record: likeRecord },
  { collection: 'friends', feature: 'friends', path: 'me/friends', query: { fields: 'id,name' }, timePaged: false, timeOrdered: false, record: friendRecord },
];

export const FACEBOOK_COLLECTIONS = ['profile', ...EDGES.map((edge) => edge.collection)] as const;

interface Params {
  /** dateRange as epoch ms: `from` inclusive, `until` exclusive (the day after `end`). */
  from?: number;
  until?: number;
  maxRecords?: number;
}

function paramsOf(plan: CollectionPlan): Params {
  const params = plan.params ?? {};
  const number = (name: string): number | undefined => (typeof params[name] === 'number' ? params[name] : undefined);
  return { from: number('from'), until: number('until'), maxRecords: number('maxRecords') };
}

const timeOf = (item: ExportItem): string | null => (typeof item.data.createdTime === 'string' ? item.data.createdTime : null);

/**
 * The export collections over the Graph API. Every list follows `paging.next` until it is absent (an
 * empty page with a `next` is not the end). Each page's cursor is Meta's next link without credentials,
 * plus the oldest item delivered: a link Meta refuses later (cursors are not meant to be kept) is
 * replaced by reading the list again, by time where it pages by time (`until` = that oldest time), and
 * skipping what was delivered. After each page the usage Meta reported paces the next call: slower from
 * 75 %, parked (RateLimitedError) from 95 % until Meta's estimated_time_to_regain_access, or an hour.
 */
export class FacebookExport {
  constructor(
    private readonly graph: FacebookGraph,
    private readonly slowdownMs: number,
  ) {}

  plans(options: ExportOptions): CollectionPlan[] {
    const params: JsonObject = {};
    if (options.dateRange) {
      params.from = Date.parse(`${options.dateRange.start}T00:00:00Z`);
      params.until = Date.parse(`${options.dateRange.end}T00:00:00Z`) + DAY_MS;
    }
    if (options.maxRecords !== undefined) params.maxRecords = options.maxRecords;
    const all: CollectionPlan[] = [
      { collection: 'profile', feature: 'profile', estimatedUnits: 1, params },
      ...EDGES.map((edge) => ({ collection: edge.collection, feature: edge.feature, estimatedUnits: 1, params })),
    ];
    const chosen = options.collections ? all.filter((plan) => options.collections?.includes(plan.feature)) : all;
    // The export's first collection says when the connection runs out, once per export.
    return chosen.map((plan, index) => (index === 0 ? { ...plan, params: { ...params, first: true } } : plan));
  }

  /** A warning when the token (or its data access) ends within RECONNECT_WARNING_MS: Meta has no refresh grant. */
  private async expiryWarning(ctx: PlatformCallContext): Promise<string | undefined> {
    const credentials = await ctx.credentials.load();
    const expiry = credentials.kind === 'oauth' && credentials.expiresAt ? Date.parse(credentials.expiresAt) : NaN;
    if (Number.isNaN(expiry) || expiry - Date.now() > RECONNECT_WARNING_MS) return undefined;
    return `The Facebook connection stops working on ${new Date(expiry).toISOString().slice(0, 10)} (Meta's tokens cannot be renewed): connect Facebook again before then to keep exporting`;
  }

  /**
   * An item of a collection read again on its own, with the fields its list asked for: Meta hands out
   * media links that expire, and a fresh read signs fresh ones. Undefined when Meta no longer has it.
   */
  async reread(ctx: PlatformCallContext, collection: string, id: string): Promise<ExportItem | undefined> {
    const edge = EDGES.find((candidate) => candidate.collection === collection);
    const fields = collection === 'profile' ? PROFILE_FIELDS : edge?.query.fields;
    if (!fields) return undefined;
    const { body } = await this.graph.get(ctx, `${collection}.reread`, collection === 'profile' ? 'me' : encodeURIComponent(id), { fields });
    if (typeof body.id !== 'string') return undefined;
    return collection === 'profile' ? profileRecord(body) : edge?.record(body);
  }

  async *pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    let warning = from === undefined && plan.params?.first === true ? await this.expiryWarning(ctx) : undefined;
    for await (const page of this.collectionPages(ctx, plan, from)) {
      yield warning ? { ...page, warnings: [...(page.warnings ?? []), warning] } : page;
      warning = undefined;
    }
  }

  private async *collectionPages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    if (plan.collection === 'profile') {
      const { body } = await this.graph.get(ctx, 'me', 'me', { fields: PROFILE_FIELDS });
      if (typeof body.id !== 'string') throw new MalformedResponseError('facebook', 'me', 'the answer has no id');
      yield { items: [profileRecord(body)], totalEstimate: 1 };
      return;
    }
    const edge = EDGES.find((candidate) => candidate.collection === plan.collection);
    if (!edge) throw new UnknownCollectionError('facebook', plan.collection);
    yield* this.edgePages(ctx, edge, paramsOf(plan), from === undefined ? { delivered: 0, consumed: 0 } : decodeCursor(edge.collection, from));
  }

  private async *edgePages(ctx: PlatformCallContext, edge: Edge, params: Params, state: FacebookCursor): AsyncIterable<Page> {
    const max = params.maxRecords ?? Infinity;
    let restarted = false;
    for (;;) {
      const warnings: string[] = [];
      let answer;
      try {
        answer = await this.graph.get(ctx, `${edge.collection}.page`, state.next ?? edge.path, state.next ? {} : this.firstQuery(edge, params, state, max));
      } catch (error) {
        if (!(error instanceof PlatformRequestError)) throw error;
        if (error.disposition === 'skip') {
          yield { items: [], warnings: [`Facebook refused ${edge.collection} (${error.reason ?? `HTTP ${error.status}`}: a permission the connection lacks); skipped`] };
          return;
        }
        // A kept cursor Meta no longer accepts: read again from the start (by time where the edge pages by
        // time), skipping what was delivered. Once only: a fresh first page refused the same way is real.
        if (error.reason === '#100' && state.next && !restarted) {
          restarted = true;
          state = { ...state, next: undefined, skip: this.skipRule(edge, state) };
          continue;
        }
        throw error;
      }
      const data = arrayField(answer.body, 'data');
      if (!data) throw new MalformedResponseError('facebook', `${edge.collection}.page`, 'the answer has no data list');
      const total = numberField(asRecord(answer.body.summary), 'total_count');
      if (total !== undefined) state.total = total;

      const items: ExportItem[] = [];
      let reachedStart = false;
      for (const entry of data) {
        const object = asRecord(entry);
        if (!object || typeof object.id !== 'string') {
          warnings.push(`Facebook listed a ${edge.collection} entry without an id; skipped`);
          continue;
        }
        state.consumed += 1;
        const item = edge.record(object);
        if (this.skipped(item, state)) continue;
        const time = timeOf(item);
        if (params.from !== undefined && time !== null && Date.parse(time) < params.from) {
          // Newest first: everything after this is older still.
          if (edge.timeOrdered) reachedStart = true;
          if (edge.timeOrdered) break;
          continue;
        }
        if (params.until !== undefined && time !== null && Date.parse(time) >= params.until) continue;
        if (state.delivered + items.length >= max) break;
        items.push(item);
      }
      if (edge.collection === 'albums') await this.addAlbumPhotos(ctx, items, warnings);
      for (const item of items) this.noteOldest(item, state);
      state.delivered += items.length;

      const next = stringField(asRecord(answer.body.paging), 'next');
      const end = next === undefined || reachedStart || state.delivered >= max;
      state.next = next;
      if (end && edge.collection === 'friends' && state.total !== undefined && state.total > state.delivered) {
        warnings.push(`Facebook counts ${state.total} friends but lists only the ${state.delivered} who also use this app`);
      }
      yield { items, cursor: end ? undefined : encodeCursor(edge.collection, state), warnings, ...(state.total !== undefined && edge.collection !== 'friends' ? { totalEstimate: state.total } : {}) };
      if (end) return;
      await this.pace(ctx, answer.usage);
    }
  }

  private firstQuery(edge: Edge, params: Params, state: FacebookCursor, max: number): Record<string, QueryValue> {
    const query: Record<string, QueryValue> = { ...edge.query, limit: Math.max(1, Math.min(GRAPH_PAGE_LIMIT, max - state.delivered)) };
    if (edge.timePaged) {
      if (params.from !== undefined) query.since = Math.floor(params.from / 1000);
      const untilSec = params.until !== undefined ? Math.ceil(params.until / 1000) - 1 : undefined;
      const restartSec = state.skip?.at !== undefined ? unixSeconds(state.skip.at) : undefined;
      const until = [untilSec, restartSec].filter((value): value is number => value !== undefined);
      if (until.length > 0) query.until = Math.min(...until);
    }
    return query;
  }

  private skipRule(edge: Edge, state: FacebookCursor): SkipRule {
    return edge.timeOrdered && state.oldest ? { at: state.oldest.at, ids: [...state.oldest.ids] } : { ids: [], count: state.consumed };
  }

  /** While re-reading after a refused cursor: whether this entry was delivered before. Consumes the rule. */
  private skipped(item: ExportItem, state: FacebookCursor): boolean {
    const rule = state.skip;
    if (!rule) return false;
    if (rule.count !== undefined) {
      rule.count -= 1;
      state.consumed -= 1;
      if (rule.count <= 0) state.skip = undefined;
      return true;
    }
    const time = timeOf(item);
    if (rule.at === undefined || time === null) return false;
    if (time > rule.at || (time === rule.at && rule.ids.includes(item.id))) return true;
    if (time < rule.at) state.skip = undefined;
    return false;
  }

  private noteOldest(item: ExportItem, state: FacebookCursor): void {
    const time = timeOf(item);
    if (time === null) return;
    if (!state.oldest || time < state.oldest.at) state.oldest = { at: time, ids: [item.id] };
    else if (time === state.oldest.at) state.oldest.ids.push(item.id);
  }

  /** Each album's photo ids, from its own photos edge (the photos themselves are in `photos`). */
  private async addAlbumPhotos(ctx: PlatformCallContext, albums: ExportItem[], warnings: string[]): Promise<void> {
    for (const album of albums) {
      const ids: string[] = [];
      let next: string | undefined = `${album.id}/photos`;
      let first = true;
      try {
        while (next) {
          const { body } = await this.graph.get(ctx, 'albums.photos', next, first ? { fields: 'id', limit: GRAPH_PAGE_LIMIT } : {});
          first = false;
          for (const entry of arrayField(body, 'data') ?? []) {
            const id = stringField(entry, 'id');
            if (id) ids.push(id);
          }
          next = stringField(asRecord(body.paging), 'next');
        }
      } catch (error) {
        if (!(error instanceof PlatformRequestError)) throw error;
        warnings.push(`Facebook refused the photos of album ${album.id} (${error.reason ?? `HTTP ${error.status}`}); its photo list is incomplete`);
      }
      album.data.photoIds = ids;
    }
  }

  /** Meta's usage after the page just delivered: slower from 75 %, parked from 95 %. */
  private async pace(ctx: PlatformCallContext, usage: FacebookUsage | undefined): Promise<void> {
    if (!usage) return;
    const now = Date.now();
    if (usage.maxPercent >= PARK_AT_PERCENT || usage.regainAccessMinutes !== undefined) {
      const minutes = usage.regainAccessMinutes ?? DEFAULT_REGAIN_MINUTES;
      throw new RateLimitedError('facebook', new Date(now + minutes * 60_000), `Facebook reports ${usage.maxPercent} % of the app's call budget used`);
    }
    if (usage.maxPercent < SLOW_FROM_PERCENT) return;
    const waitMs = Math.round((this.slowdownMs * (usage.maxPercent - SLOW_FROM_PERCENT)) / (PARK_AT_PERCENT - SLOW_FROM_PERCENT));
    if (waitMs <= 0) return;
    ctx.onWait?.({ operation: 'pacing', cause: 'rate_limited', reason: `Facebook reports ${usage.maxPercent} % usage`, waitMs, resumeAt: new Date(now + waitMs) });
    await abortableSleep(waitMs, ctx.signal);
  }
}
