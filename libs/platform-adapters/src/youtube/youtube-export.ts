import type { ExportOptions } from '@app/contracts';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, JsonObject, Page } from '../adapter/collection';
import type { ExportEstimate } from '../adapter/platform-adapter';
import { PlatformRequestError, UnknownCollectionError } from '../errors';
import type { QueryValue } from '../http/platform-http-client';
import type { YouTubeApi } from './youtube-api';
import { decodeCursor, encodeCursor, type CursorStates } from './youtube-cursor';
import { readStep, type ListAnswer, type ListOrder, type ListState, type Step } from './youtube-lists';
import {
  channelRecord,
  commentRecord,
  playlistItemRecord,
  playlistRecord,
  read,
  subscriptionRecord,
  videoRecord,
} from './youtube-records';
import type { YouTubeMethod } from './youtube.descriptor';

/**
 * The collections of a YouTube export, in the order they are pulled, and the descriptor feature each
 * serves. `profile` is a feature of its own so that `options.collections` can leave it out like any other.
 * Playlists are two collections, the playlists and their entries, so that a 5,000-video playlist is
 * paged 50 entries at a time like everything else instead of being held in memory as one record.
 */
export const YOUTUBE_COLLECTIONS = [
  { collection: 'profile', feature: 'profile' },
  { collection: 'videos', feature: 'videos' },
  { collection: 'playlists', feature: 'playlists' },
  { collection: 'playlist-items', feature: 'playlists' },
  { collection: 'comments', feature: 'comments' },
  { collection: 'subscriptions', feature: 'subscriptions' },
] as const;

type CollectionName = (typeof YOUTUBE_COLLECTIONS)[number]['collection'];

/** Collections that start from the account's channel (one shared, remembered channels.list). */
const NEEDS_CHANNEL = new Set<CollectionName>(['profile', 'videos', 'comments']);

/** Units a collection spends at the least besides the channel lookup: one page of its list. */
const MIN_UNITS: Record<CollectionName, number> = {
  profile: 0,
  videos: 1,
  playlists: 1,
  'playlist-items': 1,
  comments: 1,
  subscriptions: 1,
};

/** Page sizes: the Data API's maxima. */
const PAGE = 50;
const COMMENT_PAGE = 100;

const VIDEO_PARTS = 'snippet,contentDetails,statistics,status';

const DAY_MS = 86_400_000;

/** Fixed when the export starts; stored in the plan as JSON. */
interface Params {
  /** dateRange as epoch ms: `from` inclusive, `until` exclusive (the day after `end`). */
  from?: number;
  until?: number;
  maxRecords?: number;
}

type Entry = Record<string, unknown>;

/** Where an item's time falls against the date window. Unknown times count as inside. */
function placeOf(params: Params, time: string | null | undefined): 'newer' | 'inside' | 'older' {
  const ms = time ? Date.parse(time) : NaN;
  if (Number.isNaN(ms)) return 'inside';
  if (params.until !== undefined && ms >= params.until) return 'newer';
  if (params.from !== undefined && ms < params.from) return 'older';
  return 'inside';
}

/** The reason of a refusal that means "skip this thing", else undefined. */
function skipReason(error: unknown): string | undefined {
  return error instanceof PlatformRequestError && error.disposition === 'skip' ? (error.reason ?? `HTTP ${error.status}`) : undefined;
}

/**
 * Plans, pre-flight estimate and pages of the YouTube collections. Quota, per collection, with N uploads,
 * P playlists of n_i entries, T comment threads of which some have more replies (R_t) than they embed,
 * and S subscriptions (a page of nothing still costs its unit):
 *   channel lookup   1, shared by profile, videos and comments (and the connect check), see ChannelMemo
 *   profile          0 beyond the lookup
 *   videos           2·⌈N/50⌉ (1 when N = 0): one playlistItems.list page and one videos.list per 50
 *   playlists        ⌈P/50⌉
 *   playlist-items   ⌈P/50⌉ + Σ max(1, ⌈n_i/50⌉)
 *   comments         ⌈T/100⌉ + Σ ⌈R_t/100⌉
 *   subscriptions    ⌈S/50⌉
 * So the videos collection on its own costs 1 + 2·⌈N/50⌉. A dateRange stops the uploads list at the first
 * page that reaches before `start`, and maxRecords at the page that completes it; videos.list is only
 * asked for uploads the export keeps.
 */
export class YouTubeExport {
  constructor(
    private readonly api: YouTubeApi,
    private readonly watchUrl: string,
  ) {}

  /**
   * Plans narrowed to `options.collections` (as the export service narrows them), each with the units it
   * spends at the least (`estimate` knows better) and the date window and record cap as params.
   */
  plans(options: ExportOptions): CollectionPlan[] {
    const params: JsonObject = {};
    if (options.dateRange) {
      params.from = Date.parse(`${options.dateRange.start}T00:00:00Z`);
      params.until = Date.parse(`${options.dateRange.end}T00:00:00Z`) + DAY_MS;
    }
    if (options.maxRecords !== undefined) params.maxRecords = options.maxRecords;
    let channelCounted = false;
    return YOUTUBE_COLLECTIONS.filter(({ feature }) => !options.collections || options.collections.includes(feature)).map(
      ({ collection, feature }) => {
        const lookup = NEEDS_CHANNEL.has(collection) && !channelCounted ? 1 : 0;
        channelCounted ||= lookup === 1;
        return { collection, feature, estimatedUnits: MIN_UNITS[collection] + lookup, params: { ...params } };
      },
    );
  }

  /**
   * Reads the channel (1 unit, remembered for the export to reuse) for its video count, which makes the
   * videos figure exact: 2·⌈N/50⌉ with N = min(videoCount, maxRecords), an upper bound under a dateRange.
   * The other collections count at their least, since their sizes cost calls to learn.
   * statistics.videoCount counts public videos only, so private uploads come on top.
   */
  async estimate(ctx: PlatformCallContext, options: ExportOptions): Promise<ExportEstimate> {
    const plans = this.plans(options);
    let units = plans.reduce((sum, plan) => sum + (plan.estimatedUnits ?? 0), 0);
    let items = plans.some((plan) => plan.collection === 'profile') ? 1 : 0;
    if (plans.some((plan) => plan.collection === 'videos')) {
      const channel = await this.api.channel(ctx);
      const count = read.num(channel, 'statistics', 'videoCount') ?? 0;
      const videos = Math.min(count, options.maxRecords ?? Infinity);
      units += videos === 0 ? 0 : 2 * Math.ceil(videos / PAGE) - MIN_UNITS.videos;
      items += videos;
    }
    return { units, items };
  }

  pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    const params = readParams(plan.params);
    switch (plan.collection as CollectionName) {
      case 'profile':
        return this.profile(ctx);
      case 'videos':
        return this.videos(ctx, params, from);
      case 'playlists':
        return this.flatList(ctx, params, from, 'playlists', {
          method: 'playlists.list',
          query: { mine: true, part: 'snippet,contentDetails,status' },
          label: 'your playlists',
          record: playlistRecord,
        });
      case 'playlist-items':
        return this.playlistItems(ctx, params, from);
      case 'comments':
        return this.comments(ctx, params, from);
      case 'subscriptions':
        return this.flatList(ctx, params, from, 'subscriptions', {
          method: 'subscriptions.list',
          query: { mine: true, part: 'snippet,contentDetails' },
          label: 'your subscriptions',
          record: subscriptionRecord,
        });
      default:
        throw new UnknownCollectionError('youtube', plan.collection);
    }
  }

  private async *profile(ctx: PlatformCallContext): AsyncGenerator<Page> {
    yield { items: [channelRecord(await this.api.channel(ctx))], totalEstimate: 1 };
  }

  /**
   * Every upload through the uploads playlist (never search.list), newest first: a page of 50 entries,
   * then videos.list for the ids the export keeps, merged by id. An upload videos.list does not return
   * (deleted, rejected) is skipped with a warning.
   */
  private async *videos(ctx: PlatformCallContext, params: Params, from?: Cursor): AsyncGenerator<Page> {
    let state: CursorStates['videos'];
    if (from) {
      state = decodeCursor('videos', from);
    } else {
      const channel = await this.api.channel(ctx);
      const uploads = read.str(channel, 'contentDetails', 'relatedPlaylists', 'uploads');
      if (!uploads) {
        yield { items: [], warnings: ['the channel names no uploads playlist, so its videos could not be listed'] };
        return;
      }
      const videoCount = read.num(channel, 'statistics', 'videoCount');
      state = { uploads, list: {}, delivered: 0, seen: 0, ...(videoCount !== null ? { videoCount } : {}) };
    }
    const uploadedAt = (entry: Entry) => read.str(entry, 'contentDetails', 'videoPublishedAt') ?? undefined;
    const order: ListOrder = { label: 'the uploads playlist', timeOf: uploadedAt };
    const { uploads } = state;
    const uploadsPage = (list: ListState, remaining: number): Promise<Step> => {
      // Ask for fewer than 50 only once the list is inside the date window, where every entry counts.
      const markAt = list.mark?.at;
      const insideWindow = params.until === undefined || (markAt !== undefined && Date.parse(markAt) < params.until);
      return readStep(list, order, (pageToken, catchingUp) =>
        this.api.list(ctx, 'playlistItems.list', {
          playlistId: uploads,
          part: 'contentDetails',
          maxResults: catchingUp || !insideWindow ? PAGE : Math.min(PAGE, remaining),
          pageToken,
        }),
      );
    };
    // The next uploads page, asked for while this page's videos.list runs (see below).
    let ahead: Promise<Step> | undefined;

    for (;;) {
      const remaining = (params.maxRecords ?? Infinity) - state.delivered;
      let step: Step;
      try {
        step = await (ahead ?? uploadsPage(state.list, remaining));
      } catch (error) {
        const reason = skipReason(error);
        if (!reason) throw error;
        // YouTube answers playlistNotFound for the uploads list of a channel that never uploaded.
        yield { items: [], warnings: [`the uploads playlist could not be read (${reason})`] };
        return;
      }

      let reachedStart = false;
      const kept: Entry[] = [];
      for (const entry of step.entries) {
        const place = placeOf(params, uploadedAt(entry));
        if (place === 'older') reachedStart = true;
        else if (place === 'inside') kept.push(entry);
      }
      const wanted = kept.slice(0, Math.max(0, remaining));
      const details = this.videoDetails(ctx, params, wanted);
      // Quota is counted per request, not per connection, so the next uploads page can be in flight
      // beside this page's videos.list: a page then costs the slower of the two calls instead of both.
      // Only when that page is certainly needed and asked for exactly as it would be afterwards: the
      // list goes on, and what this page can deliver cannot fill maxRecords or shrink the next page.
      // It is asked after the videos.list, so on the day's last unit this page is the one completed.
      const left = remaining - wanted.length;
      const nextInsideWindow = params.until === undefined || (step.next?.mark?.at !== undefined && Date.parse(step.next.mark.at) < params.until);
      ahead = step.next && !reachedStart && left > 0 && (left >= PAGE || !nextInsideWindow) ? uploadsPage(step.next, left) : undefined;
      // A page read ahead that is never awaited (this page failed, the export stopped) must not surface
      // as an unhandled rejection; awaited, it throws where it would have without the read-ahead.
      ahead?.catch(() => undefined);
      const { items, warnings } = await details;
      state = { ...state, list: step.next ?? {}, delivered: state.delivered + items.length, seen: state.seen + step.entries.length };

      const capped = state.delivered >= (params.maxRecords ?? Infinity);
      const end = !step.next || reachedStart || capped;
      if (!step.next && !reachedStart && !capped && state.videoCount !== undefined && state.videoCount > state.seen) {
        warnings.push(
          `the channel reports ${state.videoCount} videos but its uploads playlist listed ${state.seen}; YouTube's uploads list is known to stop near 20,000`,
        );
      }
      const windowed = params.from !== undefined || params.until !== undefined;
      yield {
        items,
        cursor: end ? undefined : encodeCursor('videos', state),
        totalEstimate: windowed || step.total === undefined ? undefined : Math.min(step.total, params.maxRecords ?? Infinity),
        warnings: [...step.warnings, ...warnings],
      };
      if (end) return;
    }
  }

  /** videos.list for one page of uploads (at most 50 ids, 1 unit), merged by id in uploads order. */
  private async videoDetails(
    ctx: PlatformCallContext,
    params: Params,
    entries: Entry[],
  ): Promise<{ items: ExportItem[]; warnings: string[] }> {
    const videoIdOf = (entry: Entry) => read.str(entry, 'contentDetails', 'videoId') ?? '';
    if (entries.length === 0) return { items: [], warnings: [] };
    let answer: ListAnswer;
    try {
      answer = await this.api.list(ctx, 'videos.list', { id: entries.map(videoIdOf).join(','), part: VIDEO_PARTS });
    } catch (error) {
      const reason = skipReason(error);
      if (!reason) throw error;
      return { items: [], warnings: [`${entries.length} uploads skipped: videos.list refused them (${reason})`] };
    }
    const details = new Map(answer.items.map((video) => [video.id as string, video]));
    const items: ExportItem[] = [];
    const missing: string[] = [];
    for (const entry of entries) {
      const video = details.get(videoIdOf(entry));
      if (!video) missing.push(videoIdOf(entry));
      // Entries without videoPublishedAt are placed by the video's own date.
      else if (placeOf(params, read.str(video, 'snippet', 'publishedAt')) === 'inside') {
        items.push(videoRecord(video, this.watchUrl));
      }
    }
    const warnings = missing.length
      ? [`${missing.length} upload(s) skipped because videos.list did not return them (deleted or not processed): ${missing.join(', ')}`]
      : [];
    return { items, warnings };
  }

  /**
   * A list read in pages of 50, one record per entry, kept when its `snippet.publishedAt` (created,
   * subscribed) is inside the date window: playlists, subscriptions. Neither is ordered by time.
   */
  private async *flatList(
    ctx: PlatformCallContext,
    params: Params,
    from: Cursor | undefined,
    collection: 'playlists' | 'subscriptions',
    spec: { method: YouTubeMethod; query: Record<string, QueryValue>; label: string; record: (entry: Entry) => ExportItem },
  ): AsyncGenerator<Page> {
    let state = from ? decodeCursor(collection, from) : { list: {}, delivered: 0 };
    for (;;) {
      const remaining = (params.maxRecords ?? Infinity) - state.delivered;
      let step: Step;
      try {
        step = await readStep(state.list, { label: spec.label }, (pageToken, catchingUp) =>
          this.api.list(ctx, spec.method, { ...spec.query, maxResults: pageSize(PAGE, remaining, catchingUp, params), pageToken }),
        );
      } catch (error) {
        const reason = skipReason(error);
        if (!reason) throw error;
        yield { items: [], warnings: [`${spec.label} could not be read (${reason})`] };
        return;
      }
      const items = step.entries
        .filter((entry) => placeOf(params, read.str(entry, 'snippet', 'publishedAt')) === 'inside')
        .slice(0, Math.max(0, remaining))
        .map(spec.record);
      state = { list: step.next ?? {}, delivered: state.delivered + items.length };
      const end = !step.next || state.delivered >= (params.maxRecords ?? Infinity);
      yield { items, cursor: end ? undefined : encodeCursor(collection, state), totalEstimate: step.total, warnings: step.warnings };
      if (end) return;
    }
  }

  /**
   * The entries of every playlist of the user's, a page of at most 50 entries at a time. The playlist ids
   * come from playlists.list (part=id), 50 at a time, queued in the cursor. A playlist YouTube refuses
   * (playlistNotFound, forbidden) is skipped with a warning.
   */
  private async *playlistItems(ctx: PlatformCallContext, params: Params, from?: Cursor): AsyncGenerator<Page> {
    let state: CursorStates['playlist-items'] = from ? decodeCursor('playlist-items', from) : { playlists: {}, queue: [], delivered: 0 };
    const addedAt = (entry: Entry) => read.str(entry, 'snippet', 'publishedAt');
    for (;;) {
      const warnings: string[] = [];
      if (state.queue.length === 0) {
        if (!state.playlists) return;
        const step = await readStep(state.playlists, { label: 'your playlists' }, (pageToken) =>
          this.api.list(ctx, 'playlists.list', { mine: true, part: 'id', maxResults: PAGE, pageToken }),
        );
        warnings.push(...step.warnings);
        state = { ...state, playlists: step.next, queue: step.entries.map((entry) => entry.id as string) };
        if (state.queue.length === 0) {
          // Nothing queued (no playlists, or a page of ones exported before): say where the list stands.
          yield { items: [], cursor: state.playlists ? encodeCursor('playlist-items', state) : undefined, warnings };
          if (!state.playlists) return;
          continue;
        }
      }

      const [playlistId, ...rest] = state.queue;
      const remaining = (params.maxRecords ?? Infinity) - state.delivered;
      let step: Step | undefined;
      try {
        step = await readStep(state.items ?? {}, { label: `playlist ${playlistId}` }, (pageToken, catchingUp) =>
          this.api.list(ctx, 'playlistItems.list', {
            playlistId,
            part: 'snippet,contentDetails,status',
            maxResults: pageSize(PAGE, remaining, catchingUp, params),
            pageToken,
          }),
        );
      } catch (error) {
        const reason = skipReason(error);
        if (!reason) throw error;
        warnings.push(`playlist ${playlistId} skipped: YouTube refused its entries (${reason})`);
      }
      const items = (step?.entries ?? [])
        .filter((entry) => placeOf(params, addedAt(entry)) === 'inside')
        .slice(0, Math.max(0, remaining))
        .map(playlistItemRecord);
      state = step?.next
        ? { ...state, items: step.next, delivered: state.delivered + items.length }
        : { playlists: state.playlists, queue: rest, delivered: state.delivered + items.length };
      const end = (state.queue.length === 0 && !state.playlists) || state.delivered >= (params.maxRecords ?? Infinity);
      yield {
        items,
        cursor: end ? undefined : encodeCursor('playlist-items', state),
        warnings: [...warnings, ...(step?.warnings ?? [])],
      };
      if (end) return;
    }
  }

  /**
   * Every comment on the channel's videos: commentThreads.list(allThreadsRelatedToChannelId), 100 threads
   * a page, each top-level comment a record and so each embedded reply. A thread with more replies than it
   * embeds is queued, and its replies are then read in full from comments.list(parentId), 100 a page,
   * instead of its embedded ones. Comments turned off (commentsDisabled) end the list with a warning.
   */
  private async *comments(ctx: PlatformCallContext, params: Params, from?: Cursor): AsyncGenerator<Page> {
    let state: CursorStates['comments'];
    if (from) {
      state = decodeCursor('comments', from);
    } else {
      const channel = (await this.api.channel(ctx)).id as string;
      state = { channel, threads: {}, pending: [], delivered: 0 };
    }
    for (;;) {
      const remaining = (params.maxRecords ?? Infinity) - state.delivered;
      const warnings: string[] = [];
      let found: ExportItem[] = [];
      if (state.pending.length > 0) {
        const [threadId, ...rest] = state.pending;
        const step = await this.commentPage(ctx, params, remaining, state.replies ?? {}, {
          method: 'comments.list',
          query: { parentId: threadId, part: 'snippet' },
          order: { label: `the replies to comment ${threadId}` },
          refused: (reason) => `the replies to comment ${threadId} were skipped (${reason})`,
        });
        warnings.push(...step.warnings);
        found = step.entries.map((reply) => commentRecord(reply));
        state = step.next ? { ...state, replies: step.next } : { channel: state.channel, threads: state.threads, pending: rest, delivered: state.delivered };
      } else if (state.threads) {
        const step = await this.commentPage(ctx, params, remaining, state.threads, {
          method: 'commentThreads.list',
          query: { allThreadsRelatedToChannelId: state.channel, part: 'id,snippet,replies' },
          order: { label: 'the comment threads', timeOf: (thread) => read.str(thread, 'snippet', 'topLevelComment', 'snippet', 'publishedAt') ?? undefined },
          refused: (reason) => `the channel's comments could not be read (${reason})`,
        });
        warnings.push(...step.warnings);
        const pending: string[] = [];
        for (const thread of step.entries) {
          const top = read.at(thread, ['snippet', 'topLevelComment']);
          if (top && typeof top === 'object') found.push(commentRecord(top as Entry, thread));
          const embedded = (read.at(thread, ['replies', 'comments']) as Entry[] | undefined) ?? [];
          const total = read.num(thread, 'snippet', 'totalReplyCount') ?? embedded.length;
          if (total > embedded.length) pending.push(thread.id as string);
          else found.push(...embedded.map((reply) => commentRecord(reply)));
        }
        state = { ...state, threads: step.next, pending };
      }
      const items = found.filter((comment) => placeOf(params, read.str(comment.data, 'publishedAt')) === 'inside').slice(0, Math.max(0, remaining));
      state = { ...state, delivered: state.delivered + items.length };
      const end = (state.pending.length === 0 && !state.threads) || state.delivered >= (params.maxRecords ?? Infinity);
      yield { items, cursor: end ? undefined : encodeCursor('comments', state), warnings };
      if (end) return;
    }
  }

  /**
   * The next page of a comment list (threads or one thread's replies), as many as maxRecords still
   * allows up to 100. A refusal that means "skip" (comments disabled, thread deleted) ends that list
   * with the `refused` warning instead of failing the export.
   */
  private async commentPage(
    ctx: PlatformCallContext,
    params: Params,
    remaining: number,
    list: ListState,
    source: { method: YouTubeMethod; query: Record<string, QueryValue>; order: ListOrder; refused: (reason: string) => string },
  ): Promise<Step> {
    try {
      return await readStep(list, source.order, (pageToken, catchingUp) =>
        this.api.list(ctx, source.method, { ...source.query, maxResults: pageSize(COMMENT_PAGE, remaining, catchingUp, params), pageToken }),
      );
    } catch (error) {
      const reason = skipReason(error);
      if (!reason) throw error;
      return { entries: [], warnings: [source.refused(reason)] };
    }
  }
}

/**
 * maxResults for the next page: the API's maximum, or what `maxRecords` still allows when every entry
 * of the page will count (no date window filtering it, no restart skipping entries).
 */
function pageSize(max: number, remaining: number, catchingUp: boolean, params: Params): number {
  const filtered = params.from !== undefined || params.until !== undefined;
  return catchingUp || filtered ? max : Math.max(1, Math.min(max, remaining));
}

function readParams(params: JsonObject | undefined): Params {
  const number = (key: string): number | undefined => {
    const value = params?.[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  return { from: number('from'), until: number('until'), maxRecords: number('maxRecords') };
}
