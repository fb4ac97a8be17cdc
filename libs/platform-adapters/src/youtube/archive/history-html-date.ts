/**
 * The dates of Takeout's HTML history, written in the account's language and time zone with the zone's
 * abbreviation: `Dec 6, 2026, 7:13:51 PM UTC` (US English, newer exports with a narrow no-break space
 * before PM), `6 Dec 2026, 19:13:51 GMT` (British English), `06.12.2026, 19:13:51 MEZ` and
 * `6. Dez. 2026, 19:13:51 MESZ` (German). An abbreviation not listed here is not guessed at: the date
 * is then unreadable and the caller says so.
 */

/** Hours east of UTC. CST and IST are ambiguous elsewhere; Takeout writes them for US Central and India. */
const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 1, BST: 1, IST: 5.5,
  CET: 1, CEST: 2, MEZ: 1, MESZ: 2, EET: 2, EEST: 3, OEZ: 2, OESZ: 3, WEZ: 0, WESZ: 1, MSK: 3,
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7, AKST: -9, AKDT: -8, HST: -10,
  JST: 9, KST: 9, AEST: 10, AEDT: 11, ACST: 9.5, ACDT: 10.5, AWST: 8, NZST: 12, NZDT: 13,
};

/** English and German month names, by the first letters Takeout writes (`Mar`, `März`, `Dez.`, `Sept.`). */
const MONTHS: [RegExp, number][] = [
  [/^jan/, 1], [/^feb/, 2], [/^(mar|mär|mrz)/, 3], [/^apr/, 4], [/^(may|mai)/, 5], [/^jun/, 6],
  [/^jul/, 7], [/^aug/, 8], [/^sep/, 9], [/^(oct|okt)/, 10], [/^nov/, 11], [/^(dec|dez)/, 12],
];

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?\s?([AaPp]\.?[Mm]\.?)?`;
const ZONE = String.raw`([A-Z]{1,5})(?:([+-])(\d{1,2})(?::?(\d{2}))?)?`;
/** `Dec 6, 2026, 7:13:51 PM UTC` */
const MONTH_FIRST = new RegExp(String.raw`^(\p{L}+)\.? (\d{1,2}), (\d{4}),? ${TIME} ${ZONE}$`, 'u');
/** `6 Dec 2026, 19:13:51 GMT`, `6. Dez. 2026, 19:13:51 MEZ` */
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})\.? (\p{L}+)\.? (\d{4}),? ${TIME} ${ZONE}$`, 'u');
/** `06.12.2026, 19:13:51 MEZ` */
const NUMERIC = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}),? ${TIME} ${ZONE}$`, 'u');

function monthOf(name: string): number | undefined {
  const lower = name.toLowerCase();
  return MONTHS.find(([pattern]) => pattern.test(lower))?.[1];
}

/** The date as ISO 8601 UTC, or null when it is not one of the forms above. */
export function historyHtmlDate(text: string): string | null {
  const normalised = text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
  let day: number;
  let month: number | undefined;
  let year: number;
  let rest: string[];
  let match = MONTH_FIRST.exec(normalised);
  if (match) {
    month = monthOf(match[1]);
    day = Number(match[2]);
    year = Number(match[3]);
    rest = match.slice(4);
  } else if ((match = DAY_FIRST.exec(normalised))) {
    day = Number(match[1]);
    month = monthOf(match[2]);
    year = Number(match[3]);
    rest = match.slice(4);
  } else if ((match = NUMERIC.exec(normalised))) {
    day = Number(match[1]);
    month = Number(match[2]);
    year = Number(match[3]);
    rest = match.slice(4);
  } else {
    return null;
  }
  const [hourText, minuteText, secondText, meridiem, zone, sign, offsetHours, offsetMinutes] = rest;
  let hour = Number(hourText);
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (/^p/i.test(meridiem) ? 12 : 0);
  }
  const minute = Number(minuteText);
  const second = secondText === undefined ? 0 : Number(secondText);
  const zoneHours = ZONES[zone];
  if (month === undefined || zoneHours === undefined || hour > 23 || minute > 59 || second > 59) return null;
  // `GMT+1`, `UTC-05:00`: an explicit offset after the zone.
  const explicit = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) + Number(offsetMinutes ?? 0) / 60) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(local - (zoneHours + explicit) * 3_600_000).toISOString();
}
