// Lists of item ids, compared the way the suites check "every item exactly once".

/** Values that occur more than once. */
export function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

export const sorted = (values: string[]): string[] => [...values].sort();
