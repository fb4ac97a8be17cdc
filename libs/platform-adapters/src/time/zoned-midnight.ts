import type { QuotaReset } from '@app/contracts';

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is what a typo in a descriptor deserves.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
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

/** The zone's offset from UTC at an instant, in ms (Los Angeles in winter: -8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The first instant of the next calendar day in `timeZone`, e.g. when YouTube's quota resets (midnight
 * Pacific). A day is 23 or 25 hours long across a DST change, so "now + 24 h" is wrong twice a year; the
 * answer is found from the zone's offsets instead. Where midnight itself does not exist (a zone that
 * springs forward at 00:00) the day starts at the transition.
 */
export function nextMidnight(timeZone: string, now: Date): Date {
  // Asked for before every charged platform call: the day's answer holds until that midnight.
  const known = lastAnswers.get(timeZone);
  const instant = now.getTime();
  if (known && known.askedAt <= instant && instant < known.midnight) return new Date(known.midnight);
  const midnight = findNextMidnight(timeZone, now);
  lastAnswers.set(timeZone, { askedAt: instant, midnight: midnight.getTime() });
  return midnight;
}

/** Per zone, the last answer and the instant it was asked for: every instant between the two has it. */
const lastAnswers = new Map<string, { askedAt: number; midnight: number }>();

function findNextMidnight(timeZone: string, now: Date): Date {
  const today = wallClock(now.getTime(), timeZone);
  // Date.UTC rolls day 32 over into the next month and year.
  const target = Date.UTC(today.year, today.month - 1, today.day + 1);
  const targetDay = new Date(target);

  // The offsets in force around the target cover both sides of any transition near it.
  const offsets = new Set([DAY_MS, 0, -DAY_MS].map((shift) => offsetAt(target + shift, timeZone)));
  const candidates = [...offsets].map((offset) => target - offset).sort((a, b) => a - b);

  const isMidnight = (instant: number): boolean => {
    const wall = wallClock(instant, timeZone);
    return sameDay(wall, targetDay) && wall.hour === 0 && wall.minute === 0 && wall.second === 0;
  };
  const exact = candidates.find(isMidnight);
  if (exact !== undefined) return new Date(exact);

  // Midnight was skipped: the earliest candidate already on the new day is the moment the clock jumped.
  const firstOfDay = candidates.find((instant) => sameDay(wallClock(instant, timeZone), targetDay));
  if (firstOfDay === undefined) throw new Error(`Cannot find the start of the next day in ${timeZone}`);
  return new Date(firstOfDay);
}

function sameDay(wall: WallClock, day: Date): boolean {
  return wall.year === day.getUTCFullYear() && wall.month === day.getUTCMonth() + 1 && wall.day === day.getUTCDate();
}

/** When a quota with this reset rule next goes back to zero; undefined when the platform reports it per response. */
export function nextQuotaReset(reset: QuotaReset, now: Date): Date | undefined {
  if (reset.type === 'monthly') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return reset.type === 'daily' ? nextMidnight(reset.timeZone, now) : undefined;
}
