/**
 * YouTube quota days run from midnight to midnight in America/Los_Angeles, so they are 23, 24 or
 * 25 hours long around daylight-saving changes. Intl does the time-zone arithmetic.
 */
const PACIFIC = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function pacificParts(ms: number): Parts {
  const parts: Record<string, number> = {};
  for (const part of PACIFIC.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The last answer and the span it holds for: every billed request asks, and Intl is slow. */
let cached: { since: number; until: number; day: string } | null = null;

/** The Pacific calendar day of an instant, as YYYY-MM-DD. */
export function pacificDay(ms: number): string {
  if (cached && ms >= cached.since && ms < cached.until) return cached.day;
  const { year, month, day } = pacificParts(ms);
  const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  cached = { since: ms, until: nextPacificMidnight(ms), day: text };
  return text;
}

/** The first instant of the next Pacific day: when a YouTube quota resets. */
export function nextPacificMidnight(ms: number): number {
  const { year, month, day } = pacificParts(ms);
  // Midnight Pacific is 07:00 or 08:00 UTC; try both and keep the one that really is 00:00:00.
  for (const offsetHours of [7, 8]) {
    const candidate = Date.UTC(year, month - 1, day + 1, offsetHours);
    const p = pacificParts(candidate);
    if (p.hour === 0 && p.minute === 0 && p.second === 0 && candidate > ms) return candidate;
  }
  throw new Error(`cannot find the Pacific midnight after ${new Date(ms).toISOString()}`);
}
