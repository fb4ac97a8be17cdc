/**
 * The settings the app hands the library: its environment, or any map of the same names. Each platform's
 * folder reads its own names from it (YOUTUBE_API_URL, GOOGLE_CLIENT_ID, …), so the app never learns
 * what a platform needs.
 */
export type PlatformSettings = Readonly<Record<string, string | undefined>>;

/**
 * Strict readers over PlatformSettings. Each records a one-line problem naming the setting instead of
 * throwing, so the boot error lists every bad setting at once.
 */
export class SettingsReader {
  readonly problems: string[] = [];

  constructor(private readonly settings: PlatformSettings) {}

  string(name: string): string | undefined {
    const value = this.settings[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** An http(s) URL without user info, trailing slashes removed; `fallback` when unset. */
  url(name: string, fallback: string): string;
  url(name: string): string | undefined;
  url(name: string, fallback?: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!isHttpUrl(raw)) {
      this.problems.push(`${name} must be an http(s) URL without user info (got "${raw}")`);
      return fallback;
    }
    return raw.replace(/\/+$/, '');
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  }

  /** Comma-separated, blanks dropped; `fallback` when unset. */
  list(name: string, fallback: readonly string[]): string[] {
    const raw = this.string(name);
    if (raw === undefined) return [...fallback];
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }

  /** Settings that only make sense together (a client id and its secret). */
  together(...names: string[]): void {
    const set = names.filter((name) => this.string(name) !== undefined);
    if (set.length > 0 && set.length < names.length) this.problems.push(`${names.join(' and ')} must be set together`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
