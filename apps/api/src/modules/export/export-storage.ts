import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { hasRoomForExport } from '../../common/free-space';
import { PRIVATE_DIR_MODE, makePrivateDir } from '../../common/private-files';
import { WorkFolder } from './pipeline/work-folder';
import { safeSegment } from './writers/entry-names';

export type SpoolKind = 'items' | 'media' | 'errors';

/** The temporary name a ZIP is written under until it is complete and on disk. */
export const archivePartPath = (archivePath: string): string => `${archivePath}.part`;

/**
 * The layout of STORAGE_DIR, named only here: `work/<export id>/` holds an export's spools and media
 * while it runs, `archives/` the finished ZIPs, `uploads/` archive uploads until their import starts. Spools and archives carry the attempt that writes them
 * (`<collection>.<kind>.a<attempt>.ndjson`, `<export id>.a<attempt>.zip`), so a stale worker still
 * writing can never corrupt or replace what the current attempt collects or the database points at.
 */
@Injectable()
export class ExportStorage {
  private readonly archives: string;
  private readonly uploads: string;

  constructor(@InjectConfig() private readonly config: Pick<AppConfig, 'storageDir'>) {
    this.archives = join(config.storageDir, 'archives');
    this.uploads = join(config.storageDir, 'uploads');
  }

  /** Whether STORAGE_DIR has room for another export; checked before one is accepted. */
  async hasRoomForExport(): Promise<boolean> {
    await mkdir(this.config.storageDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    return hasRoomForExport(this.config.storageDir);
  }

  workFolder(exportId: string): WorkFolder {
    return new WorkFolder(this, exportId);
  }

  /** The folder of every export's work folder. */
  workRoot(): string {
    return join(this.config.storageDir, 'work');
  }

  workDir(exportId: string): string {
    return join(this.workRoot(), exportId);
  }

  spoolPath(exportId: string, collection: string, kind: SpoolKind, attempt: number): string {
    return join(this.workDir(exportId), `${safeSegment(collection)}.${kind}.a${attempt}.ndjson`);
  }

  mediaRoot(exportId: string): string {
    return join(this.workDir(exportId), 'media');
  }

  mediaDir(exportId: string, collection: string): string {
    return join(this.mediaRoot(exportId), safeSegment(collection));
  }

  /** The final path of an attempt's archive, its folder created (0700, as archives hold people's data). */
  async archivePath(exportId: string, attempt: number): Promise<string> {
    await makePrivateDir(this.archives);
    return join(this.archives, `${exportId}.a${attempt}.zip`);
  }

  /**
   * Deletes this export's half-written archives, of any attempt. A worker killed while writing its ZIP
   * leaves one behind (the name carries its attempt, so the next attempt never reuses it); once the
   * export is finished, failed or cancelled, no worker will ever complete them.
   */
  async removeArchiveParts(exportId: string): Promise<void> {
    const names = await readdir(this.archives).catch(() => [] as string[]);
    const parts = names.filter((name) => name.startsWith(`${exportId}.a`) && name.endsWith(archivePartPath('.zip')));
    await Promise.all(parts.map((name) => rm(join(this.archives, name), { force: true })));
  }

  /** Ids of the exports with a work folder or a half-written archive on disk. */
  async exportIdsOnDisk(): Promise<string[]> {
    const work = await readdir(this.workRoot()).catch(() => [] as string[]);
    const archives = await readdir(this.archives).catch(() => [] as string[]);
    const parts = archives.filter((name) => name.endsWith(archivePartPath('.zip'))).map((name) => name.split('.a')[0]);
    return [...new Set([...work, ...parts])];
  }

  /** Where an archive upload streams to until its export exists (the folder created 0700). */
  async uploadPath(uploadId: string): Promise<string> {
    await makePrivateDir(this.uploads);
    return join(this.uploads, `${safeSegment(uploadId)}.zip`);
  }

  /** The uploaded archive an import reads: inside its work folder, so the export's cleanup removes it. */
  importSourcePath(exportId: string): string {
    return join(this.workDir(exportId), 'source.zip');
  }

  /** Moves a checked upload into the work folder of the export that reads it. */
  async adoptUpload(uploadPath: string, exportId: string): Promise<void> {
    await makePrivateDir(this.workRoot());
    await makePrivateDir(this.workDir(exportId));
    await rename(uploadPath, this.importSourcePath(exportId));
  }

  /**
   * Deletes uploads older than `ageMs`: an instance that died mid-upload leaves its file behind, and no
   * request will ever finish it. Returns how many went.
   */
  async removeStaleUploads(ageMs: number): Promise<number> {
    const names = await readdir(this.uploads).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(this.uploads, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > ageMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** Everything an export left behind but its finished archive: the work folder and archive parts. */
  async removeScratch(exportId: string): Promise<void> {
    await this.workFolder(exportId).remove();
    await this.removeArchiveParts(exportId);
  }
}
