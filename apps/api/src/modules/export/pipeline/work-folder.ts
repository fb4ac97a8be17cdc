import { copyFile, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makePrivateDir } from '../../../common/private-files';
import type { ExportStorage, SpoolKind } from '../export-storage';
import { Spool } from './spool';

/**
 * An export's scratch files, where ExportStorage lays them out. Spool files carry the attempt that
 * writes them: a worker that resumes copies the checkpointed prefix into files of its own, so a stale
 * worker still writing to the old files can never corrupt what the new one collects.
 */
export class WorkFolder {
  constructor(
    private readonly storage: ExportStorage,
    readonly exportId: string,
  ) {}

  async create(): Promise<void> {
    await makePrivateDir(this.storage.workRoot());
    await makePrivateDir(this.storage.mediaRoot(this.exportId));
  }

  spool(collection: string, kind: SpoolKind, attempt: number): Spool {
    return new Spool(this.storage.spoolPath(this.exportId, collection, kind, attempt));
  }

  /** The spool of `attempt`, holding exactly the first `bytes` bytes written by `fromAttempt`. */
  async adopt(collection: string, kind: SpoolKind, fromAttempt: number, attempt: number, bytes: number): Promise<Spool> {
    const target = this.spool(collection, kind, attempt);
    if (fromAttempt !== attempt) {
      await copyFile(this.spool(collection, kind, fromAttempt).path, target.path).catch((error: NodeJS.ErrnoException) => {
        // Nothing was ever written by the earlier attempt: an empty spool is the same thing.
        if (error.code !== 'ENOENT' || bytes > 0) throw error;
      });
    }
    await target.truncateTo(bytes);
    return target;
  }

  /**
   * Deletes every spool file no checkpoint points at: the copies of earlier attempts, and what an
   * attempt wrote before it saved its first checkpoint. On a full disk this gives back the space a
   * resumed attempt took for its copies, so waiting for space never fills the disk further.
   */
  async prune(checkpoints: { collection: string; spoolAttempt: number }[]): Promise<void> {
    const kept = new Set(
      checkpoints.flatMap(({ collection, spoolAttempt }) =>
        (['items', 'media', 'errors'] as const).map((kind) => basename(this.spool(collection, kind, spoolAttempt).path)),
      ),
    );
    const dir = this.storage.workDir(this.exportId);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.endsWith('.ndjson') && !kept.has(name)).map((name) => rm(join(dir, name), { force: true })));
  }

  mediaDir(collection: string): string {
    return this.storage.mediaDir(this.exportId, collection);
  }

  async remove(): Promise<void> {
    await rm(this.storage.workDir(this.exportId), { recursive: true, force: true });
  }
}
