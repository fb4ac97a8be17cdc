import type { PlatformCallContext, QuotaCharge } from '../src/adapter/call-context';
import { InMemoryCredentialStore, type PlatformCredentials } from '../src/adapter/credentials';
import type { Clock } from '../src/http/http-policy';

/** A call context whose quota ledger and credential saves are recorded for assertions. */
export function testContext(credentials: PlatformCredentials, signal = new AbortController().signal) {
  const charges: QuotaCharge[] = [];
  const saves: PlatformCredentials[] = [];
  const store = new InMemoryCredentialStore(credentials);
  const ctx: PlatformCallContext = {
    connectionId: 'connection-1',
    signal,
    quota: { charge: (charge) => void charges.push(charge) },
    credentials: {
      load: () => store.load(),
      save: async (next) => {
        saves.push(next);
        await store.save(next);
      },
    },
  };
  return { ctx, charges, saves, store };
}

/** A clock whose sleeps return at once and are recorded; `now` is fixed unless moved. */
export function recordingClock(start = Date.parse('2026-03-02T12:00:00Z')) {
  const sleeps: number[] = [];
  let now = start;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  return { clock, sleeps, advance: (ms: number) => void (now += ms) };
}
