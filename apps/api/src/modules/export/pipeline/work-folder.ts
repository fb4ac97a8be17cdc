import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir } from '../../../common/private-files';
import { safeSegment } from '../writers/entry-names';
import { Spool } from './spool';

export type SpoolKind = 'items' | 'media' | 'errors';

/**
 * An export's scratch files, in the `work` folder of STORAGE_DIR. Spool files carry the attempt that
 * writes them: a worker that resumes copies the checkpointed prefix into files of its own, so a stale
 * worker still writing to the old files can never corrupt what the new one collects.
 */
export class WorkFolder {
  readonly root: string;
  private readonly workDir: string;

  constructor(storageDir: string, readonly exportId: string) {
    this.workDir = join(storageDir, 'work');
    this.root = join(this.workDir, exportId);
  }

  async create(): Promise<void> {
    await makePrivateDir(this.workDir);
    await makePrivateDir(join(this.root, 'media'));
  }

  spool(collection: string, kind: SpoolKind, attempt: number): Spool {
    return new Spool(join(this.root, `${safeSegment(collection)}.${kind}.a${attempt}.ndjson`));
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

  mediaDir(collection: string): string {
    return join(this.root, 'media', safeSegment(collection));
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
