import { chmod, mkdir } from 'node:fs/promises';

/**
 * Export archives and work files hold a person's data. They are readable by the service's own user
 * only, whatever the umask and wherever STORAGE_DIR points (it need not sit inside the 0700 DATA_DIR).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `path` and any missing parent as 0700. The folder itself is set to 0700 even when it
 * already existed (created 0755 by an earlier version); parents that existed are the operator's.
 */
export async function makePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(path, PRIVATE_DIR_MODE);
}
