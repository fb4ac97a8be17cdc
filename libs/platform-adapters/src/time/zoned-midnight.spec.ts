import { nextMidnight, nextQuotaReset } from './zoned-midnight';

const PACIFIC = 'America/Los_Angeles';

describe('nextMidnight', () => {
  it('finds midnight Pacific in winter (UTC-8) and summer (UTC-7)', () => {
    expect(nextMidnight(PACIFIC, new Date('2026-01-15T20:00:00Z')).toISOString()).toBe('2026-01-16T08:00:00.000Z');
    expect(nextMidnight(PACIFIC, new Date('2026-07-15T20:00:00Z')).toISOString()).toBe('2026-07-16T07:00:00.000Z');
  });

  it('gives each instant its own day, asked in any order (answers are remembered until their midnight)', () => {
    const answers = ['2026-01-15T20:00:00Z', '2026-01-16T07:59:59.999Z', '2026-01-16T08:00:00Z', '2026-01-15T09:00:00Z', '2026-01-15T07:00:00Z'].map(
      (instant) => nextMidnight(PACIFIC, new Date(instant)).toISOString(),
    );
    expect(answers).toEqual(['2026-01-16T08:00:00.000Z', '2026-01-16T08:00:00.000Z', '2026-01-17T08:00:00.000Z', '2026-01-16T08:00:00.000Z', '2026-01-15T08:00:00.000Z']);
  });

  it('uses the Pacific calendar day, not the UTC one', () => {
    // 03:00 UTC on the 16th is still the evening of the 15th in Los Angeles.
    expect(nextMidnight(PACIFIC, new Date('2026-01-16T03:00:00Z')).toISOString()).toBe('2026-01-16T08:00:00.000Z');
  });

  it('crosses the spring-forward day, which is 23 hours long', () => {
    // DST starts 2026-03-08 at 02:00 PST. Just after midnight PST on the 8th, the next reset is midnight PDT.
    const now = new Date('2026-03-08T08:30:00Z');
    const reset = nextMidnight(PACIFIC, now);
    expect(reset.toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(reset.getTime() - new Date('2026-03-08T08:00:00Z').getTime()).toBe(23 * 3_600_000);
    // The evening before, the reset is still midnight PST.
    expect(nextMidnight(PACIFIC, new Date('2026-03-08T07:59:59Z')).toISOString()).toBe('2026-03-08T08:00:00.000Z');
  });

  it('crosses the fall-back day, which is 25 hours long', () => {
    // DST ends 2026-11-01 at 02:00 PDT.
    const reset = nextMidnight(PACIFIC, new Date('2026-11-01T12:00:00Z'));
    expect(reset.toISOString()).toBe('2026-11-02T08:00:00.000Z');
    expect(reset.getTime() - new Date('2026-11-01T07:00:00Z').getTime()).toBe(25 * 3_600_000);
  });

  it('rolls over month and year ends', () => {
    expect(nextMidnight(PACIFIC, new Date('2026-12-31T20:00:00Z')).toISOString()).toBe('2027-01-01T08:00:00.000Z');
  });

  it('starts the day at the transition where midnight does not exist', () => {
    // Chile sprang forward at 2024-09-08 00:00 (-04 → -03): that day began at 01:00 local, 04:00 UTC.
    expect(nextMidnight('America/Santiago', new Date('2024-09-07T15:00:00Z')).toISOString()).toBe(
      '2024-09-08T04:00:00.000Z',
    );
  });

  it('gives daily quotas a reset and header-driven windows none', () => {
    const now = new Date('2026-01-15T20:00:00Z');
    expect(nextQuotaReset({ type: 'daily', timeZone: PACIFIC }, now)?.toISOString()).toBe('2026-01-16T08:00:00.000Z');
    expect(nextQuotaReset({ type: 'window', seconds: 900 }, now)).toBeUndefined();
  });
});
