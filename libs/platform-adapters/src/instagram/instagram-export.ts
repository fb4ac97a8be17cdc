import type { ExportOptions } from '@app/contracts';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../adapter/collection';
import { InvalidCursorError, MalformedResponseError, PlatformRequestError, UnknownCollectionError } from '../errors';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';
import { commentRecord, idOf, mediaRecord, profileRecord } from './instagram-records';
import type { InstagramWeb } from './instagram-web';

type Json = Record<string, unknown>;

/** The web endpoints, unofficial and so kept in one place (platform-facts §4). */
const PATHS = {
  userInfo: (pk: string) => `/api/v1/users/${pk}/info/`,
  feed: (pk: string) => `/api/v1/feed/user/${pk}/`,
  clips: '/api/v1/clips/user/',
  saved: '/api/v1/feed/saved/posts/',
  reelsMedia: '/api/v1/feed/reels_media/',
  highlightsTray: (pk: string) => `/api/v1/highlights/${pk}/highlights_tray/`,
  comments: (media: string) => `/api/v1/media/${media}/comments/`,
  childComments: (media: string, comment: string) => `/api/v1/media/${media}/comments/${comment}/child_comments/`,
};

const COLLECTIONS = ['profile', 'posts', 'reels', 'stories', 'highlights', 'saved', 'comments'] as const;
type Collection = (typeof COLLECTIONS)[number];

/** Where a collection stopped: the site's own cursor of the next page, and how far into it. */
interface IgCursor {
  /** `next_max_id` (feed, saved), `paging_info.max_id` (reels), or the feed page being walked (comments). */
  maxId?: string;
  /** Items delivered so far (maxRecords). */
  count: number;
  /** Comments: posts of the page at `maxId` already done. Highlights: highlights done. */
  done?: number;
}

interface Window {
  startMs?: number;
  endMs?: number;
}

const DAY = 86_400_000;

/**
 * Instagram's collections through the web API: the profile, the grid (posts without the reels), the
 * reels, the live stories, the highlights with their items, the saved posts, and the comments (with
 * replies) of the user's posts. Each page of the site is one checkpointed page here, so a resumed export
 * starts at the site cursor it stopped at.
 */
export class InstagramExport {
  /** Whose session each connection is, asked once per process (the pk never changes). */
  private readonly viewers = new Map<string, string>();

  constructor(
    private readonly web: InstagramWeb,
    private readonly webUrl: string,
  ) {}

  plans(options: ExportOptions): CollectionPlan[] {
    const params = { includeMedia: options.includeMedia === true, maxRecords: options.maxRecords ?? null, start: options.dateRange?.start ?? null, end: options.dateRange?.end ?? null };
    const all = COLLECTIONS.map((collection) => ({ collection, feature: collection, estimatedUnits: 1, params }));
    return options.collections ? all.filter((plan) => options.collections?.includes(plan.feature)) : all;
  }

  /** Whose cookies these are: the home page's viewer, then their profile. */
  async me(ctx: PlatformCallContext): Promise<Json> {
    const viewer = await this.web.viewer(ctx);
    this.viewers.set(ctx.connectionId, viewer.pk);
    const body = await this.web.json(ctx, { operation: 'users.info', path: PATHS.userInfo(viewer.pk) });
    const user = asRecord(body.user);
    if (!user || !idOf(user, 'pk')) throw new MalformedResponseError('instagram', 'users.info', 'no user in the answer');
    return user;
  }

  async *pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    if (!(COLLECTIONS as readonly string[]).includes(plan.collection)) throw new UnknownCollectionError('instagram', plan.collection);
    const collection = plan.collection as Collection;
    const withMedia = plan.params?.includeMedia === true;
    const maxRecords = typeof plan.params?.maxRecords === 'number' ? plan.params.maxRecords : Infinity;
    const window = this.window(plan);
    const cursor = from === undefined ? { count: 0 } : this.readCursor(from, collection);
    switch (collection) {
      case 'profile':
        yield { items: [profileRecord(await this.me(ctx), this.webUrl, withMedia)] };
        return;
      case 'stories':
        yield { items: (await this.reel(ctx, await this.pk(ctx))).slice(0, maxRecords).map((story) => mediaRecord(story, this.webUrl, withMedia, { expiresAt: this.expiry(story) })) };
        return;
      case 'highlights':
        yield* this.highlights(ctx, cursor, maxRecords, withMedia);
        return;
      case 'comments':
        yield* this.comments(ctx, cursor, maxRecords, window);
        return;
      default:
        yield* this.mediaList(ctx, collection, cursor, maxRecords, window, withMedia);
    }
  }

  /** Posts, reels or saved posts, page by page with the site's cursor; a date window ends the newest-first lists early. */
  private async *mediaList(ctx: PlatformCallContext, collection: 'posts' | 'reels' | 'saved', start: IgCursor, maxRecords: number, window: Window, withMedia: boolean): AsyncIterable<Page> {
    let cursor = start;
    const dated = collection !== 'saved';
    for (;;) {
      const page = await this.mediaPage(ctx, collection, cursor.maxId);
      let older = false;
      const items: ExportItem[] = [];
      for (const media of page.media) {
        const taken = (numberField(media, 'taken_at') ?? 0) * 1000;
        if (dated && window.startMs !== undefined && taken < window.startMs) {
          older = true;
          continue;
        }
        if (dated && window.endMs !== undefined && taken >= window.endMs) continue;
        if (collection === 'posts' && stringField(media, 'product_type') === 'clips') continue;
        if (cursor.count + items.length >= maxRecords) break;
        items.push(mediaRecord(media, this.webUrl, withMedia));
      }
      const count = cursor.count + items.length;
      const done = !page.next || older || count >= maxRecords;
      if (page.next === cursor.maxId && !done) {
        yield { items, warnings: [`Instagram repeated the ${collection} cursor; the list ends here`] };
        return;
      }
      cursor = { maxId: page.next, count };
      yield { items, ...(done ? {} : { cursor: JSON.stringify(cursor) }) };
      if (done) return;
    }
  }

  private async mediaPage(ctx: PlatformCallContext, collection: 'posts' | 'reels' | 'saved', maxId: string | undefined): Promise<{ media: Json[]; next?: string }> {
    const records = (list: unknown[] | undefined, wrapped: boolean): Json[] =>
      (list ?? []).flatMap((entry) => {
        const media = asRecord(wrapped ? asRecord(entry)?.media : entry);
        return media && idOf(media, 'pk') ? [media] : [];
      });
    if (collection === 'reels') {
      const body = await this.web.json(ctx, { operation: 'clips.user', path: PATHS.clips, form: { target_user_id: await this.pk(ctx), page_size: '12', ...(maxId ? { max_id: maxId } : {}) } });
      const paging = asRecord(body.paging_info);
      return { media: records(arrayField(body, 'items'), true), next: paging?.more_available === true ? stringField(paging, 'max_id') : undefined };
    }
    const body =
      collection === 'posts'
        ? await this.web.json(ctx, { operation: 'feed.user', path: PATHS.feed(await this.pk(ctx)), query: { count: '12', max_id: maxId } })
        : await this.web.json(ctx, { operation: 'feed.saved', path: PATHS.saved, query: { max_id: maxId } });
    return { media: records(arrayField(body, 'items'), collection === 'saved'), next: body.more_available === true ? (stringField(body, 'next_max_id') ?? undefined) : undefined };
  }

  /** Each highlight with its items, one highlight a page. */
  private async *highlights(ctx: PlatformCallContext, start: IgCursor, maxRecords: number, withMedia: boolean): AsyncIterable<Page> {
    const body = await this.web.json(ctx, { operation: 'highlights.tray', path: PATHS.highlightsTray(await this.pk(ctx)) });
    const tray = (arrayField(body, 'tray') ?? []).flatMap((entry) => (asRecord(entry) && stringField(entry, 'id') ? [asRecord(entry) as Json] : []));
    let cursor = start;
    for (let index = cursor.done ?? 0; index < tray.length && cursor.count < maxRecords; index++) {
      const highlight = tray[index];
      const reelId = stringField(highlight, 'id') as string;
      const items = (await this.reel(ctx, reelId)).map((item) => mediaRecord(item, this.webUrl, withMedia));
      const id = reelId.replace(/^highlight:/, '');
      const record: ExportItem = {
        id,
        data: {
          id,
          title: stringField(highlight, 'title') ?? null,
          createdAt: numberField(highlight, 'created_at') === undefined ? null : new Date((numberField(highlight, 'created_at') as number) * 1000).toISOString(),
          itemCount: items.length,
          items: items.map((item) => item.data),
        },
        ...(withMedia ? { media: items.flatMap((item) => item.media ?? []) } : {}),
      };
      cursor = { count: cursor.count + 1, done: index + 1 };
      const more = index + 1 < tray.length && cursor.count < maxRecords;
      yield { items: [record], ...(more ? { cursor: JSON.stringify(cursor) } : {}) };
    }
  }

  /**
   * The comments of the user's posts, with their replies: the grid is walked page by page, and each post
   * with comments is one page here (its comments paged with `min_id`, then each thread's replies).
   */
  private async *comments(ctx: PlatformCallContext, start: IgCursor, maxRecords: number, window: Window): AsyncIterable<Page> {
    let cursor = start;
    for (;;) {
      const page = await this.mediaPage(ctx, 'posts', cursor.maxId);
      const posts = page.media;
      let older = false;
      for (let index = cursor.done ?? 0; index < posts.length; index++) {
        const post = posts[index];
        const taken = (numberField(post, 'taken_at') ?? 0) * 1000;
        if (window.startMs !== undefined && taken < window.startMs) {
          older = true;
          break;
        }
        const skip = (window.endMs !== undefined && taken >= window.endMs) || (numberField(post, 'comment_count') ?? 0) === 0;
        const items = skip ? [] : await this.postComments(ctx, post, maxRecords - cursor.count);
        cursor = { maxId: cursor.maxId, done: index + 1, count: cursor.count + items.length };
        if (cursor.count >= maxRecords) {
          yield { items };
          return;
        }
        if (items.length > 0) yield { items, cursor: JSON.stringify(cursor) };
      }
      if (!page.next || older || page.next === cursor.maxId) {
        yield { items: [] };
        return;
      }
      cursor = { maxId: page.next, done: 0, count: cursor.count };
      yield { items: [], cursor: JSON.stringify(cursor) };
    }
  }

  private async postComments(ctx: PlatformCallContext, post: Json, limit: number): Promise<ExportItem[]> {
    const postId = idOf(post, 'pk') as string;
    const code = stringField(post, 'code');
    const ref = { id: postId, url: code ? `${this.webUrl}/p/${code}/` : null };
    const items: ExportItem[] = [];
    let minId: string | undefined;
    const seen = new Set<string>();
    do {
      let body: Json;
      try {
        body = await this.web.json(ctx, { operation: 'media.comments', path: PATHS.comments(postId), query: { can_support_threading: 'true', min_id: minId } });
      } catch (error) {
        // A post deleted or with comments turned off since the grid was read: nothing to keep.
        if (error instanceof PlatformRequestError && error.disposition === 'skip') return items;
        throw error;
      }
      for (const comment of (arrayField(body, 'comments') ?? []).flatMap((entry) => (asRecord(entry) ? [asRecord(entry) as Json] : []))) {
        const record = commentRecord(comment, ref, null);
        if (!record || items.length >= limit) continue;
        items.push(record);
        if ((numberField(comment, 'child_comment_count') ?? 0) > 0) {
          const replies = await this.web.json(ctx, { operation: 'media.child_comments', path: PATHS.childComments(postId, record.id) });
          for (const reply of arrayField(replies, 'child_comments') ?? []) {
            const child = commentRecord(asRecord(reply) ?? {}, ref, record.id);
            if (child && items.length < limit) items.push(child);
          }
        }
      }
      const next = body.has_more_comments === false ? undefined : stringField(body, 'next_min_id');
      minId = next && !seen.has(next) ? next : undefined;
      if (next) seen.add(next);
    } while (minId && items.length < limit);
    return items;
  }

  /** A reel's items: the user's live stories (`<pk>`) or a highlight's (`highlight:<id>`). */
  private async reel(ctx: PlatformCallContext, reelId: string): Promise<Json[]> {
    const body = await this.web.json(ctx, { operation: 'feed.reels_media', path: PATHS.reelsMedia, query: { reel_ids: reelId } });
    const reel = asRecord(asRecord(body.reels)?.[reelId]);
    return (arrayField(reel, 'items') ?? []).flatMap((entry) => (asRecord(entry) && idOf(entry, 'pk') ? [asRecord(entry) as Json] : []));
  }

  private expiry(story: Json): string | null {
    const at = numberField(story, 'expiring_at');
    return at === undefined ? null : new Date(at * 1000).toISOString();
  }

  /**
   * The viewer's id for the feeds that need it. A worker that resumes someone else's export has not
   * seen the home page yet: it reads it once (no users.info, which would cost another paced request).
   */
  private async pk(ctx: PlatformCallContext): Promise<string> {
    const known = this.viewers.get(ctx.connectionId);
    if (known) return known;
    const { pk } = await this.web.viewer(ctx);
    this.viewers.set(ctx.connectionId, pk);
    return pk;
  }

  private window(plan: CollectionPlan): Window {
    const start = typeof plan.params?.start === 'string' ? Date.parse(`${plan.params.start}T00:00:00Z`) : NaN;
    const end = typeof plan.params?.end === 'string' ? Date.parse(`${plan.params.end}T00:00:00Z`) + DAY : NaN;
    return { ...(Number.isNaN(start) ? {} : { startMs: start }), ...(Number.isNaN(end) ? {} : { endMs: end }) };
  }

  private readCursor(raw: Cursor, collection: string): IgCursor {
    try {
      const parsed = asRecord(JSON.parse(raw));
      const count = numberField(parsed, 'count');
      const done = numberField(parsed, 'done');
      const maxId = stringField(parsed, 'maxId');
      if (count !== undefined && count >= 0) return { count, ...(maxId ? { maxId } : {}), ...(done !== undefined ? { done } : {}) };
    } catch {
      // fall through
    }
    throw new InvalidCursorError('instagram', collection, 'not a cursor this adapter wrote');
  }
}
