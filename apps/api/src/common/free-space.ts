import { statfs } from 'node:fs/promises';

/**
 * Below this much free space a new export would likely fail half-way: the start check refuses one,
 * a parked export waits for it, and health reports storage unavailable.
 */
export const MIN_FREE_BYTES_FOR_EXPORT = 1024 ** 3;

/** Whether the file system holding `dir` has room for another export. */
export async function hasRoomForExport(dir: string): Promise<boolean> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize >= MIN_FREE_BYTES_FOR_EXPORT;
}
