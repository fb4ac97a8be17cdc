import { nextPacificMidnight, pacificDay } from './pacific';

describe('Pacific quota days', () => {
  it('names the Pacific calendar day of an instant', () => {
    expect(pacificDay(Date.parse('2026-01-15T07:59:59Z'))).toBe('2026-01-14');
    expect(pacificDay(Date.parse('2026-01-15T08:00:00Z'))).toBe('2026-01-15');
    expect(pacificDay(Date.parse('2026-07-15T07:00:00Z'))).toBe('2026-07-15');
  });

  it('finds the next midnight in winter, in summer and across both DST changes', () => {
    const next = (iso: string): string => new Date(nextPacificMidnight(Date.parse(iso))).toISOString();
    expect(next('2026-01-15T12:00:00Z')).toBe('2026-01-16T08:00:00.000Z');
    expect(next('2026-07-15T12:00:00Z')).toBe('2026-07-16T07:00:00.000Z');
    expect(next('2026-03-08T06:00:00Z')).toBe('2026-03-08T08:00:00.000Z'); // the 23-hour day begins in PST
    expect(next('2026-03-08T08:00:00Z')).toBe('2026-03-09T07:00:00.000Z');
    expect(next('2026-11-01T07:00:00Z')).toBe('2026-11-02T08:00:00.000Z'); // the 25-hour day
    expect(next('2026-01-16T08:00:00Z')).toBe('2026-01-17T08:00:00.000Z'); // at midnight: the following one
  });
});
