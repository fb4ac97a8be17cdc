import { rename } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { CollectionPlan, ExportItem, MediaReference, Page, PlatformAdapter, PlatformCallContext } from '@app/platform-adapters';
import { makePrivateDir } from '../../../common/private-files';
import { isStorageFull } from '../../../common/storage-full';
import { ExportCheckpoint } from '../export-job.entity';
import { safeId, safeSegment } from '../writers/entry-names';
import type { CheckpointFeed } from './checkpoint-feed';
import type { CheckpointStore, ProgressFields } from './checkpoint-store';
import type { ExportErrorRecord, MediaFetcher, MediaRecord } from './media-fetcher';
import { itemLine } from './spooled-item';
import { WorkFolder } from './work-folder';

export interface PipelineJob {
  exportId: string;
  attempt: number;
  maxRecords?: number;
  includeMedia: boolean;
  startedAt: Date;
  /** The progress the export already showed; a resumed run never reports less. */
  progress?: number;
  /**
   * The total the export showed so far: the pre-flight estimate at first, then what runs reported.
   * Until every collection is done the total is never shown below it, so "1 of 1" after the profile
   * never reads as a finished export.
   */
  totalItems?: number | null;
}

export interface PipelineDeps {
  adapter: PlatformAdapter;
  context: PlatformCallContext;
  checkpoints: CheckpointStore;
  folder: WorkFolder;
  media: MediaFetcher;
  onProgress: (progress: ProgressFields) => void;
  /** A stop asked for (shutdown): thrown between pages, once every page already fetched is checkpointed. */
  stopRequest: () => Error | undefined;
  /** Where the run's checkpoints are told as they are saved, for an archive written meanwhile. */
  feed?: CheckpointFeed;
  /** Each page's items once saved, after `before` items of the collection (for a CSV's columns). */
  pageSaved?: (collection: string, items: ExportItem[], before: number) => void;
}

const MEDIA_CONCURRENCY = 4;
const MEDIA_TYPES: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'audio/mp4': '.m4a',
  'audio/mpeg': '.mp3',
};

/**
 * Pulls every planned collection page by page. After each page its items, media records and errors
 * are appended to the collection's spools and, in one fenced transaction, the checkpoint and the
 * progress counters are saved. A resumed run starts from the checkpoints: spools are cut back to
 * their checkpointed length and paging continues from the saved cursor, so no item appears twice and
 * no finished page is fetched again. Stops between pages when the context's signal aborts.
 */
export class ExportPipeline {
  private readonly checkpoints = new Map<string, ExportCheckpoint>();
  private shownProgress: number;

  constructor(
    private readonly job: PipelineJob,
    private readonly plans: CollectionPlan[],
    private readonly deps: PipelineDeps,
  ) {
    this.shownProgress = job.progress ?? 0;
  }

  async run(): Promise<ExportCheckpoint[]> {
    try {
      await this.deps.folder.create();
      const saved = await this.deps.checkpoints.loadCheckpoints(this.job.exportId);
      for (const checkpoint of saved) this.checkpoints.set(checkpoint.collection, checkpoint);
      await this.deps.folder.prune(saved);
      for (const checkpoint of saved) if (checkpoint.done) this.deps.feed?.publish(checkpoint);
      for (const plan of this.plans) {
        const checkpoint = this.checkpointOf(plan.collection);
        if (!checkpoint.done) await this.collect(plan, checkpoint);
      }
      return this.plans.map((plan) => this.checkpointOf(plan.collection));
    } catch (error) {
      this.deps.feed?.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  private async collect(plan: CollectionPlan, checkpoint: ExportCheckpoint): Promise<void> {
    const { folder, adapter, context } = this.deps;
    const { attempt } = this.job;
    const items = await folder.adopt(plan.collection, 'items', checkpoint.spoolAttempt, attempt, checkpoint.itemsBytes);
    const media = await folder.adopt(plan.collection, 'media', checkpoint.spoolAttempt, attempt, checkpoint.mediaBytes);
    const errors = await folder.adopt(plan.collection, 'errors', checkpoint.spoolAttempt, attempt, checkpoint.errorsBytes);
    checkpoint.spoolAttempt = attempt;
    // Its spools are this run's now: what they hold up to the checkpoint can be read.
    this.deps.feed?.publish(checkpoint);

    if (this.remainingRecords() === 0) {
      await this.save({ ...checkpoint, done: true });
      return;
    }
    const pages = adapter.pages(context, plan, checkpoint.cursor ?? undefined)[Symbol.asyncIterator]();
    let pending = pages.next();
    try {
      for (;;) {
        const result = await pending;
        if (result.done) break;
        context.signal.throwIfAborted();
        const page = result.value;
        let pageItems = page.items;
        const remaining = this.remainingRecords();
        const capped = remaining !== undefined && pageItems.length >= remaining;
        if (capped) pageItems = pageItems.slice(0, remaining);
        const stop = this.deps.stopRequest();
        // The next page is asked for now, while this one is written, so its platform calls overlap this
        // page's fsync and checkpoint; only when it is certainly needed (the collection goes on, no cap
        // is reached, no stop is asked for). Pages are still saved strictly in order; a crash costs one
        // more page read again.
        if (!capped && !stop && page.cursor !== undefined) pending = readAhead(pages);

        const fetched = this.job.includeMedia ? await this.fetchMedia(plan.collection, pageItems) : { records: [], failures: [] };
        const warnings = (page.warnings ?? []).map((reason) => ({ collection: plan.collection, reason }));
        const next: ExportCheckpoint = {
          ...checkpoint,
          cursor: page.cursor ?? null,
          itemCount: checkpoint.itemCount + pageItems.length,
          totalEstimate: page.totalEstimate ?? checkpoint.totalEstimate,
          itemsBytes: await items.appendLines(pageItems.map(itemLine)),
          mediaBytes: await media.append(fetched.records.map((record) => ({ ...record }))),
          errorsBytes: await errors.append([...warnings, ...fetched.failures].map((record) => ({ ...record }))),
          done: capped || page.cursor === undefined,
        };
        await this.save(next);
        this.deps.pageSaved?.(plan.collection, pageItems, checkpoint.itemCount);
        Object.assign(checkpoint, next);
        if (next.done) return;
        // Asked for while this page was written: the page read ahead is saved first, then the stop.
        if (stop) throw stop;
      }
    } finally {
      // A page read ahead may still be in flight: the adapter's generator closes once it settles.
      pages.return?.().catch(() => undefined);
      await Promise.allSettled([items.close(), media.close(), errors.close()]);
    }
    // The adapter ended without a final page that said so: the collection is complete as it stands.
    if (!checkpoint.done) await this.save({ ...checkpoint, cursor: null, done: true });
  }

  private async save(checkpoint: ExportCheckpoint): Promise<void> {
    this.checkpoints.set(checkpoint.collection, checkpoint);
    const progress = this.progress();
    await this.deps.checkpoints.saveCheckpoint(this.job.exportId, this.job.attempt, checkpoint, progress);
    this.deps.feed?.publish(checkpoint);
    this.deps.onProgress(progress);
  }

  private checkpointOf(collection: string): ExportCheckpoint {
    let checkpoint = this.checkpoints.get(collection);
    if (!checkpoint) {
      checkpoint = Object.assign(new ExportCheckpoint(), {
        exportId: this.job.exportId,
        collection,
        spoolAttempt: this.job.attempt,
        cursor: null,
        itemCount: 0,
        totalEstimate: null,
        itemsBytes: 0,
        mediaBytes: 0,
        errorsBytes: 0,
        done: false,
      });
      this.checkpoints.set(collection, checkpoint);
    }
    return checkpoint;
  }

  private processed(): number {
    let total = 0;
    for (const checkpoint of this.checkpoints.values()) total += checkpoint.itemCount;
    return total;
  }

  private remainingRecords(): number | undefined {
    return this.job.maxRecords === undefined ? undefined : Math.max(0, this.job.maxRecords - this.processed());
  }

  /** Progress counts finished collections exactly and the others by the platform's own estimate. */
  private progress(): ProgressFields {
    const processedItems = this.processed();
    let known = 0;
    let sized = 0;
    for (const plan of this.plans) {
      const checkpoint = this.checkpoints.get(plan.collection);
      if (checkpoint?.done) known += checkpoint.itemCount;
      else if (checkpoint?.totalEstimate != null) known += Math.max(checkpoint.totalEstimate, checkpoint.itemCount);
      else continue;
      sized += 1;
    }
    const unknown = sized < this.plans.length;
    let totalItems: number | null = unknown && known === 0 ? null : Math.max(known, processedItems);
    if (totalItems !== null && this.job.maxRecords !== undefined) totalItems = Math.min(totalItems, this.job.maxRecords);
    const allDone = this.plans.every((plan) => this.checkpoints.get(plan.collection)?.done);
    const estimated = this.job.totalItems ?? null;
    const fromEstimate = !allDone && estimated !== null && estimated > (totalItems ?? 0);
    if (fromEstimate) totalItems = estimated;
    let ratio = totalItems ? Math.min(1, processedItems / totalItems) : 0;
    // A collection not sized yet is still to do: it counts as an equal share, so that finishing the
    // first collection does not read as nearly done (unless maxRecords or the estimate fixes the total).
    if (unknown && !fromEstimate && totalItems !== this.job.maxRecords) ratio *= sized / this.plans.length;
    // 100 is kept for a written archive; collecting ends at 99. Never less than already shown: a total
    // that grows (a collection sized late, a raised estimate) must not move the progress bar back.
    const progress = Math.max(this.shownProgress, allDone ? 99 : Math.min(99, Math.floor(ratio * 100)));
    this.shownProgress = progress;
    // From the rate measured so far; unknown (null) without a total, before the first item, or at the end.
    const elapsed = Date.now() - this.job.startedAt.getTime();
    const left = totalItems === null ? 0 : totalItems - processedItems;
    const estimatedCompletion = processedItems > 0 && left > 0 && !allDone ? new Date(Date.now() + (elapsed / processedItems) * left) : null;
    return { processedItems, totalItems, progress, estimatedCompletion };
  }

  /** Downloads the page's media with bounded concurrency; a failure is recorded, never fatal. */
  private async fetchMedia(
    collection: string,
    items: ExportItem[],
  ): Promise<{ records: MediaRecord[]; failures: ExportErrorRecord[] }> {
    const tasks = items.flatMap((item) => (item.media ?? []).map((ref, index) => ({ item, ref, index })));
    // Kept in item order (downloads finish in any order), so writers can walk items and media side by side.
    const records: (MediaRecord | undefined)[] = new Array<MediaRecord | undefined>(tasks.length);
    const failures: ExportErrorRecord[] = [];
    const dir = this.deps.folder.mediaDir(collection);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const position = next++;
        const { item, ref, index } = tasks[position];
        const base = `${safeId(item.id)}-${index}`;
        const partial = join(dir, base);
        try {
          const result = await this.fetchOrRenew(collection, item, index, partial);
          const ext = MEDIA_TYPES[result.contentType?.split(';')[0].trim() ?? ''] ?? safeExtension(ref.url);
          const file = `${partial}${ext}`;
          await rename(partial, file);
          records[position] = { itemId: item.id, name: `media/${safeSegment(collection)}/${base}${ext}`, file };
        } catch (error) {
          this.deps.context.signal.throwIfAborted();
          // A full disk is not this item's fault: the export waits for space and fetches it again.
          if (isStorageFull(error)) throw error;
          failures.push({ collection, itemId: item.id, url: ref.url, reason: (error as Error).message });
        }
      }
    };
    await makePrivateDir(dir);
    await Promise.all(Array.from({ length: Math.min(MEDIA_CONCURRENCY, tasks.length) }, worker));
    return { records: records.filter((record): record is MediaRecord => record !== undefined), failures };
  }

  /**
   * When the download fails, the platform may hand out a fresh link (signed links that expired between
   * the page and the download); that one gets a single try, and the first failure stands otherwise.
   */
  private async fetchOrRenew(collection: string, item: ExportItem, index: number, destination: string): Promise<{ contentType?: string }> {
    const { adapter, media, context } = this.deps;
    const ref = (item.media ?? [])[index];
    try {
      return await this.fetchWithRetry(ref, destination);
    } catch (error) {
      context.signal.throwIfAborted();
      const fresh = adapter.renewMedia ? await adapter.renewMedia(context, { collection, item, index, error }).catch(() => undefined) : undefined;
      if (!fresh) throw error;
      return media.fetch(fresh, destination, context.signal);
    }
  }

  /** HTTP downloads get a second try; a failed yt-dlp run is slow and rarely passes the next time. */
  private async fetchWithRetry(ref: MediaReference, destination: string): Promise<{ contentType?: string }> {
    const { media, context } = this.deps;
    try {
      return await media.fetch(ref, destination, context.signal);
    } catch (error) {
      context.signal.throwIfAborted();
      if (ref.via === 'ytdlp') throw error;
      return media.fetch(ref, destination, context.signal).catch(() => {
        throw error;
      });
    }
  }
}

function safeExtension(url: string): string {
  try {
    const ext = extname(new URL(url).pathname).toLowerCase();
    return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '';
  } catch {
    return '';
  }
}

function readAhead(pages: AsyncIterator<Page>): Promise<IteratorResult<Page>> {
  const ahead = pages.next();
  // Awaited once the current page is saved; until then its failure must not count as unhandled.
  ahead.catch(() => undefined);
  return ahead;
}
