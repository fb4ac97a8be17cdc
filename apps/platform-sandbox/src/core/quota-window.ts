import { nextPacificMidnight, pacificDay } from './pacific';

/** Where a spend is kept: spends in one slot are added up under its label and count until `countsUntil`. */
export interface QuotaSlot {
  label: string;
  countsUntil: number;
}

/**
 * How a platform's quota forgets what was spent. Each platform of the sandbox picks one for its
 * ledger: YouTube a Pacific day, and the shapes the others need are here too (Facebook counts calls
 * over a rolling hour, X over fixed 15-minute windows, and Instagram's request pacing is a rolling
 * window of the minimum gap that allows one request).
 */
export interface QuotaWindow {
  /** Shown in the quota status. */
  readonly name: string;
  slotOf(ms: number): QuotaSlot;
}

/** Midnight to midnight in America/Los_Angeles (23 to 25 hours around daylight-saving changes). */
export const PACIFIC_DAY: QuotaWindow = {
  name: 'pacific-day',
  slotOf: (ms) => ({ label: pacificDay(ms), countsUntil: nextPacificMidnight(ms) }),
};

/** Back-to-back windows of `sizeMs` from the Unix epoch; everything spent in one is forgotten when it ends. */
export function fixedWindows(sizeMs: number, name = `fixed-${sizeMs}ms`): QuotaWindow {
  positive(sizeMs);
  return {
    name,
    slotOf: (ms) => {
      const start = Math.floor(ms / sizeMs) * sizeMs;
      return { label: new Date(start).toISOString(), countsUntil: start + sizeMs };
    },
  };
}

/**
 * A sliding window of `spanMs`: a spend counts for `spanMs` after it. Spends are kept in slices of
 * `spanMs / slices` and each counts until its slice's end plus the span, so the ledger stays small and
 * errs towards refusing.
 */
export function rollingWindow(spanMs: number, slices = 60, name = `rolling-${spanMs}ms`): QuotaWindow {
  positive(spanMs);
  const slice = Math.max(1, Math.floor(spanMs / slices));
  return {
    name,
    slotOf: (ms) => {
      const start = Math.floor(ms / slice) * slice;
      return { label: new Date(start).toISOString(), countsUntil: start + slice + spanMs };
    },
  };
}

function positive(ms: number): void {
  if (!Number.isInteger(ms) || ms <= 0) throw new Error('a quota window must last a positive whole number of milliseconds');
}
