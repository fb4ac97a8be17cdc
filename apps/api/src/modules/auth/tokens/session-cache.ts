import { Injectable } from '@nestjs/common';
import type { LiveSession } from './refresh-tokens';
import { SessionEvents } from './session-events';

/**
 * How long a confirmed session is believed without asking the database again. Logout, refresh-token
 * reuse and a Google link evict at once on every instance (SessionEvents); only an account deleted
 * straight in the database, which no route does, outlives it by up to this long.
 */
export const SESSION_CACHE_MS = 3_000;

/** Enough for every session active in a few seconds on one instance; the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  session: LiveSession;
  until: number;
}

/**
 * Remembers, per access token's refresh-token id, that its session was live, so that a burst of
 * requests asks PostgreSQL once. Only answers while the session-end bus is known to deliver: when
 * the Redis subscription drops, everything is forgotten and nothing is cached until it is back.
 */
@Injectable()
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly events: SessionEvents) {
    events.onEnded((sessionIds) => this.evict(sessionIds));
    events.onDeliveryLost(() => this.entries.clear());
  }

  get(refreshTokenId: string, userId: string): LiveSession | undefined {
    const entry = this.entries.get(refreshTokenId);
    if (!entry) return undefined;
    if (entry.until <= Date.now() || !this.events.delivering()) {
      this.entries.delete(refreshTokenId);
      return undefined;
    }
    return entry.session.user.id === userId ? entry.session : undefined;
  }

  /** The session-end generation to hand back to remember() with what the database answers next. */
  generation(): number {
    return this.events.generation();
  }

  /**
   * Called with a session the database confirmed. An end announced since the query was sent (the
   * generation moved on) may not be reflected in its answer, so such a session is not remembered.
   */
  remember(refreshTokenId: string, session: LiveSession, generation: number): void {
    if (!this.events.delivering() || this.events.generation() !== generation) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(refreshTokenId, { session, until: Date.now() + SESSION_CACHE_MS });
  }

  private evict(sessionIds: string[]): void {
    const ended = new Set(sessionIds);
    for (const [key, entry] of this.entries) {
      if (ended.has(entry.session.sessionId)) this.entries.delete(key);
    }
  }
}
