import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ErrorCode } from '@app/contracts';
import { ApiError } from '../../../common/api-error';

const THROTTLER = 'login-account';
const WINDOW_MS = 15 * 60 * 1000;
/** Password attempts per account and window that are never delayed. */
const FREE_ATTEMPTS = 5;
const FIRST_DELAY_MS = 1_000;
/** The longest a single wait grows to, so an attacker can slow the real owner down but not lock them out. */
const MAX_DELAY_MS = 2 * 60 * 1000;
/** Never blocks on its own: counts only. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * The per-account password limit, on top of the per-address auth limit: an account may be tried
 * FREE_ATTEMPTS times in 15 minutes; after that one attempt goes through per delay, the delay
 * doubling with every attempt (1 s, 2 s, 4 s, …) up to MAX_DELAY_MS. Attempts in between answer
 * 429 RATE_LIMIT_EXCEEDED with Retry-After, without the password being checked, whatever address
 * they come from. An attempt that gets through is checked as usual, so the right password works
 * again as soon as a delay has passed. Counters live in the rate limit's storage: Redis in server
 * mode (shared by every instance), memory in embedded mode. Keys hold a hash of the normalised
 * email, never the email.
 */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  /** Counts an attempt at the account; throws 429 when it must wait. Call before checking the password. */
  async attempt(email: string): Promise<void> {
    const account = createHash('sha256').update(email).digest('base64url');
    const { totalHits } = await this.storage.increment(`attempts:${account}`, WINDOW_MS, UNLIMITED, 0, THROTTLER);
    if (totalHits <= FREE_ATTEMPTS) return;
    const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(20, totalHits - FREE_ATTEMPTS - 1));
    // One attempt per delay: the first in a slot passes, the others wait until it has run out.
    const slot = await this.storage.increment(`slot:${account}`, delayMs, 1, delayMs, THROTTLER);
    if (!slot.isBlocked) return;
    const retryAfter = Math.max(1, Math.ceil(slot.timeToBlockExpire));
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      ErrorCode.RATE_LIMIT_EXCEEDED,
      `Too many sign-in attempts for this account; retry after ${retryAfter} s`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  }
}
