const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** `15.6GB`, as the API spec writes sizes; 1 KB = 1024 B. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${UNITS[unit]}`;
}
