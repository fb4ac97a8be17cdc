import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './pacing';

/**
 * In server mode every app of the platform suites shares one Redis database, and the export queue's name with
 * it: two suites running at once in parallel Jest workers would take each other's jobs (and a starting
 * app empties the database). So the suites take turns, through a lock directory named after REDIS_URL.
 * A lock left by a dead process is taken over. Embedded mode needs no turns: each app has its own PGlite.
 */
export async function serialiseServerMode(timeoutMs = 600_000): Promise<() => void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) return () => undefined;
  const lock = join(tmpdir(), `star-export-suites-${createHash('sha256').update(redisUrl).digest('hex').slice(0, 16)}.lock`);
  const owner = join(lock, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let pid = 0;
    try {
      pid = Number(readFileSync(owner, 'utf8'));
    } catch {
      // Just created, pid not written yet.
    }
    if (pid > 0 && !processAlive(pid)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`another suite held ${lock} for ${timeoutMs} ms`);
    else await sleep(250);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
