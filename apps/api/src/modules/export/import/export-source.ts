import { access } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import {
  ArchiveSourceAdapter,
  InMemoryCredentialStore,
  InvalidArchiveError,
  MediaFetcher as PlatformMediaFetcher,
  PlatformAdapterRegistry,
  TopUpSourceAdapter,
  archiveMediaFetcher,
  openImport,
  topUpCollectionOf,
} from '@app/platform-adapters';
import type { JsonObject, PlatformAdapter, PlatformCallContext, PlatformWait } from '@app/platform-adapters';
import { PlatformAccess, type ConnectedPlatform } from '../../platforms';
import type { ExportCheckpoint, ExportJob } from '../export-job.entity';
import { ExportStorage } from '../export-storage';
import type { MediaFetcher } from '../pipeline/media-fetcher';
import { spooledItems } from '../pipeline/spooled-item';
import type { WorkFolder } from '../pipeline/work-folder';

/**
 * Where an export's items come from: the connected platform's API, or an uploaded archive read
 * through its platform's importer. The worker runs both the same way.
 */
export interface ExportSource {
  adapter: PlatformAdapter;
  callContext(signal: AbortSignal, onWait?: (wait: PlatformWait) => void): PlatformCallContext;
  media: MediaFetcher;
  /** What the manifest says about the source besides the common fields. */
  manifest: JsonObject;
  /** The connection an API export (or an import's top-up) used, for its last-sync time. */
  connection?: ConnectedPlatform;
  /** What the manifest says once every item is collected (an import's top-up: items per source). */
  completedManifest?(folder: WorkFolder, checkpoints: readonly ExportCheckpoint[]): Promise<JsonObject>;
  close(): void;
}

export function isArchiveImport(row: Pick<ExportJob, 'options'>): boolean {
  return row.options.source?.kind === 'archive';
}

@Injectable()
export class ExportSources {
  constructor(
    private readonly registry: PlatformAdapterRegistry,
    private readonly storage: ExportStorage,
    private readonly media: PlatformMediaFetcher,
    private readonly platforms: PlatformAccess,
  ) {}

  fromConnection(connection: ConnectedPlatform): ExportSource {
    return {
      adapter: connection.adapter,
      callContext: (signal, onWait) => connection.callContext(signal, onWait),
      media: this.media,
      manifest: {},
      connection,
      close: () => undefined,
    };
  }

  /** Opens the export's uploaded archive again (the upload route checked it already) for the worker. */
  async fromArchive(row: ExportJob): Promise<ExportSource> {
    const source = row.options.source;
    const path = this.storage.importSourcePath(row.id);
    if (!source) throw new Error(`export ${row.id} is not an archive import`);
    await access(path).catch(() => {
      throw new InvalidArchiveError('corrupt', 'The uploaded archive is no longer on the server; upload it again');
    });
    const opened = await openImport(path, row.platform);
    const platform = this.registry.has(row.platform) ? this.registry.get(row.platform) : undefined;
    if (!platform) {
      opened.zip.close();
      throw new InvalidArchiveError('unsupported_platform', `${row.platform} is not offered by this server`);
    }
    const credentials = new InMemoryCredentialStore({ kind: 'archive', uploadId: row.id, fileName: source.fileName, bytes: source.bytes, sha256: source.sha256, uploadedAt: source.uploadedAt });
    const archiveAdapter = new ArchiveSourceAdapter(platform.descriptor, platform.views, opened.archive);
    const imported: ExportSource = {
      adapter: archiveAdapter,
      callContext: (signal, onWait) => ({ connectionId: `import:${row.id}`, credentials, quota: { charge: () => undefined }, signal, onWait }),
      media: archiveMediaFetcher(opened.zip, this.media),
      manifest: { importedFrom: { ...source, unknownFiles: opened.archive.unknownFiles() } },
      close: () => opened.zip.close(),
    };
    const collection = row.options.topUp ? topUpCollectionOf(row.platform) : undefined;
    if (!collection) return imported;
    const connection = await this.platforms.connected(row.userId, row.platform).catch((error: unknown) => {
      opened.zip.close();
      throw error;
    });
    const adapter = new TopUpSourceAdapter(archiveAdapter, connection.adapter, (ctx) => connection.callContext(ctx.signal, ctx.onWait), collection);
    return { ...imported, adapter, connection, completedManifest: (folder, checkpoints) => topUpManifest(folder, checkpoints, collection) };
  }
}

/** `topUp` in the manifest: which collection was topped up, and how many of its items came from each source. */
async function topUpManifest(folder: WorkFolder, checkpoints: readonly ExportCheckpoint[], collection: string): Promise<JsonObject> {
  const counts = { archive: 0, api: 0 };
  const checkpoint = checkpoints.find((candidate) => candidate.collection === collection);
  if (checkpoint) {
    for await (const item of spooledItems(folder.spool(collection, 'items', checkpoint.spoolAttempt).lines())) {
      if (item.data.source === 'api') counts.api++;
      else counts.archive++;
    }
  }
  return { topUp: { collection, counts } };
}
