/** How hard the platform client tries, and how much it accepts. All durations in ms. */
export interface HttpPolicy {
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff before retry n is a random wait in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))] ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest wait slept in-process. A platform that asks for more (Retry-After, a reset header) gets a
   * RateLimitedError instead, so the job is parked and the worker freed.
   */
  maxInProcessWaitMs: number;
  /** Ceiling on any wait a platform asks for, so a broken or hostile header cannot park a job for a year. */
  maxRetryAfterMs: number;
  /** Largest body read from a platform (after decompression); beyond it the call fails. */
  maxResponseBytes: number;
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = Object.freeze({
  timeoutMs: 30_000,
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxInProcessWaitMs: 60_000,
  maxRetryAfterMs: 24 * 3_600_000,
  maxResponseBytes: 10 * 1024 * 1024,
});

export function resolveHttpPolicy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  const policy = { ...DEFAULT_HTTP_POLICY, ...overrides };
  const problems = Object.entries(policy)
    .filter(([, value]) => !Number.isFinite(value) || value < 0)
    .map(([key]) => `${key} must be a non-negative number`);
  if (policy.maxAttempts < 1) problems.push('maxAttempts must be at least 1');
  if (problems.length > 0) throw new Error(`Invalid platform HTTP policy: ${problems.join('; ')}`);
  return policy;
}

/** Time, sleep and randomness, swappable so tests can see the waits the client chose. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: abortableSleep,
  random: () => Math.random(),
};

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Full-jitter exponential backoff before the retry that follows attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: HttpPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The reason an aborted signal carries, passed on unchanged so the caller sees its own reason (not
 * `instanceof`-checked: Node's DOMException comes from another realm under Jest).
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (typeof reason === 'object' && reason !== null) return reason as Error;
  return new DOMException(typeof reason === 'string' ? reason : 'The operation was aborted', 'AbortError');
}

/** Waits for `promise`, but gives up with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
