import type { JsonValue } from '@app/platform-adapters';

/** Where a spreadsheet starts reading a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * One token of letters, digits, `_`, `.` and `-`, after an optional `+`, `-` or `@`: an id such as
 * `-2K7qVZgW9g`, a handle such as `@name`, a signed number. As a formula it can name a cell at most,
 * never call a function or reach outside the sheet.
 */
const PLAIN_TOKEN = /^[+\-@]?[\p{L}\p{N}_.-]*$/u;

/**
 * One RFC 4180 field. Free text a spreadsheet would run as a formula gets a leading apostrophe; ids,
 * handles, URLs, timestamps and numbers stay byte-exact, so joins on them keep working.
 */
export function csvCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  let text: string;
  if (typeof value === 'string') text = FORMULA_START.test(value) && !PLAIN_TOKEN.test(value) ? `'${value}` : value;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: (JsonValue | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
