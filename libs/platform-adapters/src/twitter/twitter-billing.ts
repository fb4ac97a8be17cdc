import type { PlatformCallContext } from '../adapter/call-context';
import { TWITTER_SPEND_BUCKET } from './twitter.descriptor';

/** The kinds of resource X bills a read of; the same id of two kinds is two resources. */
export type BilledKind = 'post' | 'user';

const DAY_MS = 86_400_000;

/**
 * What X bills for reads: each resource returned, once per UTC day however often it is read again
 * (platform-facts §3, "soft guarantee"). Before a request is sent the ledger is charged for the most it
 * can return (so a request the budget cannot pay is never sent); once the answer is in, the part X will
 * not bill is given back: resources not returned, and those already read today. The resources read
 * today are remembered per connection in this process; after a restart they are charged again, which
 * errs towards the budget, never past it.
 */
export class TwitterBilling {
  private readonly readToday = new Map<string, { day: number; ids: Set<string> }>();

  constructor(private readonly readMicros: number) {}

  /** Runs `read` under a reservation of `maxResources` reads and charges the resources it returned. */
  async charged<T>(ctx: PlatformCallContext, operation: string, maxResources: number, read: () => Promise<T>, returned: (answer: T) => { kind: BilledKind; id: string }[]): Promise<T> {
    const reserved = maxResources * this.readMicros;
    await ctx.quota.charge({ platform: 'twitter', bucket: TWITTER_SPEND_BUCKET, units: reserved, operation });
    let billed = 0;
    try {
      const answer = await read();
      billed = this.firstReadsToday(ctx.connectionId, returned(answer)) * this.readMicros;
      return answer;
    } finally {
      // A failed request returned nothing, so X bills nothing for it either.
      if (reserved > billed) await ctx.quota.charge({ platform: 'twitter', bucket: TWITTER_SPEND_BUCKET, units: billed - reserved, operation: `${operation}.unbilled` });
    }
  }

  /** How many of these resources this connection has not read yet today (UTC); marks them read. */
  private firstReadsToday(connectionId: string, resources: { kind: BilledKind; id: string }[]): number {
    const day = Math.floor(Date.now() / DAY_MS);
    let seen = this.readToday.get(connectionId);
    if (!seen || seen.day !== day) {
      seen = { day, ids: new Set() };
      this.readToday.set(connectionId, seen);
    }
    let fresh = 0;
    for (const { kind, id } of resources) {
      const key = `${kind}:${id}`;
      if (seen.ids.has(key)) continue;
      seen.ids.add(key);
      fresh += 1;
    }
    return fresh;
  }
}
