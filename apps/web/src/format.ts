/** Dates and durations as a person reads them, in their own locale and time zone. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const FEATURE_LABELS: Record<string, string> = {
  'playlist-items': 'playlist items',
};

export function featureLabel(feature: string): string {
  return FEATURE_LABELS[feature] ?? feature;
}
