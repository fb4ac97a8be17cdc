import type { JsonValue } from '@app/platform-adapters';

/** Text a spreadsheet would run as a formula (OWASP CSV injection): such cells get a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field. Strings that look like formulas are neutralised; numbers stay numbers. */
export function csvCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  let text: string;
  if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: (JsonValue | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
