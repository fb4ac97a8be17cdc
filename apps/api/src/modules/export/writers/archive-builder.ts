import type { ExportFormat } from '@app/contracts';
import type { CollectionViews, JsonObject } from '@app/platform-adapters';
import type { ExportCheckpoint } from '../export-job.entity';
import type { ExportErrorRecord, MediaRecord } from '../pipeline/media-fetcher';
import type { CheckpointFeed } from '../pipeline/checkpoint-feed';
import { spooledItems } from '../pipeline/spooled-item';
import type { WorkFolder } from '../pipeline/work-folder';
import { CollectionSource, collectionFiles, ItemWithFiles, jsonFile, withMediaFiles } from './collection-files';
import type { CollectedColumns } from './csv-columns';
import { ErrorSummary } from './error-summary';
import { withRoomyHeap } from './roomy-heap';
import { ZipWriter } from './zip-writer';

export const MANIFEST_SCHEMA_VERSION = 1;

export interface ArchiveRequest {
  target: string;
  format: ExportFormat;
  folder: WorkFolder;
  checkpoints: ExportCheckpoint[];
  /** Everything the manifest says besides counts and files: export id, platform, account, options. */
  manifest: JsonObject & { platform: string; completedAt: string; account?: { name?: string } };
  warnings: string[];
  /** How the HTML viewer shows each collection (the adapter's views). */
  views?: CollectionViews;
  /** A CSV's columns as counted during collection. */
  columns?: CollectedColumns;
}

export interface BuiltArchive {
  bytes: number;
  /** The manifest's warnings: the request's, then the summary of errors.json. */
  warnings: string[];
}

/** A ZIP whose collection files are being written while the pipeline still collects. */
export interface ArchiveHead {
  zip: ZipWriter;
  written: Promise<void>;
}

/**
 * Starts a JSON archive beside the collection: each collection's file takes the items of every page
 * once its checkpoint is saved, so when collecting ends only the media, `errors.json` and the manifest
 * are left to write. The deflating runs while the pipeline waits for the platform, where it used to
 * be a second pass over everything collected. (A CSV needs every column before its first row, and the
 * HTML viewer every count before its first page: those are written once collecting ends.)
 */
export function startJsonArchive(target: string, collections: string[], feed: CheckpointFeed, folder: WorkFolder): ArchiveHead {
  const zip = new ZipWriter(target);
  const written = (async () => {
    for (const collection of collections) {
      const file = jsonFile(collection, () => checkpointedItems(feed, folder, collection));
      await zip.addText(file.name, file.content());
    }
  })();
  // Awaited by buildArchive or abandonArchive; a failed run fails it first.
  written.catch(() => undefined);
  return { zip, written };
}

/** A collection's items as checkpoints make them durable, each step's items with that step's media. */
export async function* checkpointedItems(feed: CheckpointFeed, folder: WorkFolder, collection: string): AsyncGenerator<ItemWithFiles> {
  for await (const { from, to } of feed.steps(collection)) {
    const spool = (kind: 'items' | 'media') => folder.spool(collection, kind, to.spoolAttempt);
    yield* withMediaFiles({
      items: () => spooledItems(spool('items').lines(from.itemsBytes, to.itemsBytes)),
      media: () => spool('media').records<MediaRecord>(from.mediaBytes, to.mediaBytes),
    });
  }
}

/** Removes an archive started for a run that did not get as far as building it. */
export async function abandonArchive(head: ArchiveHead | undefined): Promise<void> {
  if (!head) return;
  await head.written.catch(() => undefined);
  await head.zip.abort();
}

/**
 * Renders the spools into the ZIP: the format's files (unless `head` has written them), the media,
 * `errors.json`, and last `manifest.json` with counts and the sha256 of every other file.
 */
export async function buildArchive(request: ArchiveRequest, signal: AbortSignal, head?: ArchiveHead): Promise<BuiltArchive> {
  return withRoomyHeap(() => build(request, signal, head));
}

async function build(request: ArchiveRequest, signal: AbortSignal, head: ArchiveHead | undefined): Promise<BuiltArchive> {
  const { folder, checkpoints } = request;
  const spool = (checkpoint: ExportCheckpoint, kind: 'items' | 'media' | 'errors') =>
    folder.spool(checkpoint.collection, kind, checkpoint.spoolAttempt);

  const zip = head?.zip ?? new ZipWriter(request.target);
  try {
    const errorRecords = async function* (): AsyncGenerator<ExportErrorRecord> {
      for (const checkpoint of checkpoints) yield* spool(checkpoint, 'errors').records<ExportErrorRecord>();
    };
    if (head) {
      await head.written;
    } else {
      const sources: CollectionSource[] = checkpoints.map((checkpoint) => ({
        name: checkpoint.collection,
        count: checkpoint.itemCount,
        items: () => spooledItems(spool(checkpoint, 'items').lines()),
        media: () => spool(checkpoint, 'media').records<MediaRecord>(),
        columns: request.columns?.of(checkpoint.collection),
      }));
      const viewer = {
        platform: request.manifest.platform,
        accountName: request.manifest.account?.name,
        exportedAt: request.manifest.completedAt,
        views: request.views,
        errors: errorRecords,
      };
      for await (const file of collectionFiles(request.format, sources, viewer)) {
        signal.throwIfAborted();
        await zip.addText(file.name, file.content());
      }
    }
    for (const checkpoint of checkpoints) {
      for await (const record of spool(checkpoint, 'media').records<MediaRecord>()) {
        signal.throwIfAborted();
        await zip.addFile(record.name, record.file, true);
      }
    }
    const summary = new ErrorSummary();
    await zip.addText('errors.json', errorsJson(errorRecords(), summary));
    const warnings = [...request.warnings, ...summary.warnings()];
    const manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      ...request.manifest,
      format: request.format,
      counts: Object.fromEntries(checkpoints.map((checkpoint) => [checkpoint.collection, checkpoint.itemCount])),
      warnings,
      files: zip.written.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })),
    };
    await zip.addText('manifest.json', single(`${JSON.stringify(manifest, null, 2)}\n`));
    return { bytes: await zip.finish(), warnings };
  } catch (error) {
    await head?.written.catch(() => undefined);
    await zip.abort();
    throw error;
  }
}

async function* errorsJson(records: AsyncIterable<ExportErrorRecord>, summary: ErrorSummary): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const record of records) {
    summary.add(record);
    yield `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
