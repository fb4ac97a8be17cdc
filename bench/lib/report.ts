/** The table: one row per figure line, rendered as aligned text for the terminal or as Markdown. */
export interface Row {
  figure: string;
  /** The runtime mode the service ran in: embedded or server. */
  mode: string;
  what: string;
  sizes: string;
  service: string;
  reference: string;
  ratio: string;
}

const HEADER: Row = { figure: '#', mode: 'Mode', what: 'Figure', sizes: 'Sizes, repetitions', service: 'Star Export', reference: 'Reference', ratio: 'Ratio' };
const COLUMNS: (keyof Row)[] = ['figure', 'mode', 'what', 'sizes', 'service', 'reference', 'ratio'];

export function textTable(rows: Row[]): string {
  const all = [HEADER, ...rows];
  const widths = COLUMNS.map((column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: Row): string => COLUMNS.map((column, i) => row[column].padEnd(widths[i])).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const line = (row: Row): string => `| ${COLUMNS.map((column) => row[column].replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADER), `|${COLUMNS.map((column) => (column === 'ratio' ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n');
}

export const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
export const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const mib = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a');
export const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} ms` : 'n/a');
export const count = (items: number): string => items.toLocaleString('en-US');
