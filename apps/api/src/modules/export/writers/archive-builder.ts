import type { ExportFormat } from '@app/contracts';
import type { JsonObject } from '@app/platform-adapters';
import type { ExportCheckpoint } from '../export-job.entity';
import type { ExportErrorRecord, MediaRecord } from '../pipeline/media-fetcher';
import type { SpooledItem } from '../pipeline/spooled-item';
import type { WorkFolder } from '../pipeline/work-folder';
import { CollectionSource, collectionFiles } from './collection-files';
import { ZipWriter } from './zip-writer';

export const MANIFEST_SCHEMA_VERSION = 1;

export interface ArchiveRequest {
  target: string;
  format: ExportFormat;
  folder: WorkFolder;
  checkpoints: ExportCheckpoint[];
  /** Everything the manifest says besides counts and files: export id, platform, account, options. */
  manifest: JsonObject & { platform: string };
  warnings: string[];
}

/**
 * Renders the spools into the ZIP: the format's files, the media, `errors.json`, and last
 * `manifest.json` with counts and the sha256 of every other file.
 */
export async function buildArchive(request: ArchiveRequest, signal: AbortSignal): Promise<number> {
  const { folder, checkpoints } = request;
  const spool = (checkpoint: ExportCheckpoint, kind: 'items' | 'media' | 'errors') =>
    folder.spool(checkpoint.collection, kind, checkpoint.spoolAttempt);

  const sources: CollectionSource[] = checkpoints.map((checkpoint) => ({
    name: checkpoint.collection,
    count: checkpoint.itemCount,
    items: () => spool(checkpoint, 'items').records<SpooledItem>(),
    media: () => spool(checkpoint, 'media').records<MediaRecord>(),
  }));

  const zip = new ZipWriter(request.target);
  try {
    const title = `${request.manifest.platform} export`;
    for await (const file of collectionFiles(request.format, sources, title)) {
      signal.throwIfAborted();
      await zip.addText(file.name, file.content());
    }
    for (const checkpoint of checkpoints) {
      for await (const record of spool(checkpoint, 'media').records<MediaRecord>()) {
        signal.throwIfAborted();
        await zip.addFile(record.name, record.file, true);
      }
    }
    await zip.addText('errors.json', errorsJson(checkpoints.map((checkpoint) => spool(checkpoint, 'errors'))));
    const manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      ...request.manifest,
      format: request.format,
      counts: Object.fromEntries(checkpoints.map((checkpoint) => [checkpoint.collection, checkpoint.itemCount])),
      warnings: request.warnings,
      files: zip.written.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })),
    };
    await zip.addText('manifest.json', single(`${JSON.stringify(manifest, null, 2)}\n`));
    return await zip.finish();
  } catch (error) {
    await zip.abort();
    throw error;
  }
}

async function* errorsJson(spools: { records<T>(): AsyncGenerator<T> }[]): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for (const errors of spools) {
    for await (const record of errors.records<ExportErrorRecord>()) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
      first = false;
    }
  }
  yield first ? ']\n' : '\n]\n';
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}
