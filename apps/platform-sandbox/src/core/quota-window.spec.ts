import { PACIFIC_DAY, fixedWindows, rollingWindow } from './quota-window';
import { QuotaLedger } from '../state/quota';

const at = (iso: string): number => Date.parse(iso);

describe('quota windows', () => {
  it('bills YouTube per Pacific day and resets at midnight Los Angeles time', () => {
    const ledger = new QuotaLedger(PACIFIC_DAY, 10, 'account');
    ledger.spend('alice', 10, at('2026-03-02T07:59:00Z'));
    expect(ledger.canSpend('alice', 1, at('2026-03-02T07:59:59Z'))).toBe(false);
    expect(ledger.status('alice', at('2026-03-02T07:59:59Z'))).toMatchObject({ day: '2026-03-01', used: 10, resetsAt: '2026-03-02T08:00:00.000Z' });
    expect(ledger.canSpend('alice', 10, at('2026-03-02T08:00:00Z'))).toBe(true);
    expect(ledger.spentByDay()).toEqual({ alice: { '2026-03-01': 10 } });
  });

  it('forgets a fixed window’s spending when the window ends (X: 15 minutes)', () => {
    const ledger = new QuotaLedger(fixedWindows(15 * 60_000), 3, 'account');
    for (const minute of [0, 5, 14]) ledger.spend('a', 1, at(`2026-03-02T12:${String(minute).padStart(2, '0')}:00Z`));
    expect(ledger.canSpend('a', 1, at('2026-03-02T12:14:59Z'))).toBe(false);
    expect(ledger.status('a', at('2026-03-02T12:14:59Z')).resetsAt).toBe('2026-03-02T12:15:00.000Z');
    expect(ledger.canSpend('a', 3, at('2026-03-02T12:15:00Z'))).toBe(true);
  });

  it('lets a rolling window’s spending expire one spend at a time (Facebook: an hour)', () => {
    const ledger = new QuotaLedger(rollingWindow(3_600_000), 2, 'account');
    ledger.spend('a', 1, at('2026-03-02T12:00:00Z'));
    ledger.spend('a', 1, at('2026-03-02T12:30:00Z'));
    expect(ledger.canSpend('a', 1, at('2026-03-02T12:59:00Z'))).toBe(false);
    // The first call has left the hour (to within one slice), the second has not.
    expect(ledger.status('a', at('2026-03-02T13:02:00Z'))).toMatchObject({ used: 1, remaining: 1 });
    expect(ledger.status('a', at('2026-03-02T13:33:00Z'))).toMatchObject({ used: 0, remaining: 2 });
  });

  it('paces requests as a rolling window of the minimum gap that allows one (Instagram)', () => {
    const ledger = new QuotaLedger(rollingWindow(6_000, 6), 1, 'account');
    ledger.spend('a', 1, at('2026-03-02T12:00:00Z'));
    expect(ledger.canSpend('a', 1, at('2026-03-02T12:00:05Z'))).toBe(false);
    expect(ledger.canSpend('a', 1, at('2026-03-02T12:00:07Z'))).toBe(true);
  });

  it('keeps an admin’s "remaining" override until the spending it covers resets', () => {
    const ledger = new QuotaLedger(PACIFIC_DAY, 10_000, 'account');
    const now = at('2026-03-02T20:00:00Z');
    ledger.spend('a', 5, now);
    ledger.setRemaining('a', 2, now);
    expect(ledger.status('a', now)).toMatchObject({ limit: 7, used: 5, remaining: 2 });
    expect(ledger.status('a', at('2026-03-03T09:00:00Z'))).toMatchObject({ limit: 10_000, used: 0 });
  });
});
