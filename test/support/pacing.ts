export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 8 requests per second, under the export routes' limit of 10. */
const PACE_MS = 125;

/**
 * Spaces the calls that share it at least `intervalMs` apart, each waiting for its slot. The export
 * routes are limited per user, so every user gets a pacer of their own; the download route
 * authenticates inside its handler (bearer or link token), so the limiter counts it by client address
 * instead, and requests not tied to one user share one pacer.
 */
export function pacer(intervalMs = PACE_MS): () => Promise<void> {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + intervalMs;
    if (at > now) await sleep(at - now);
  };
}
