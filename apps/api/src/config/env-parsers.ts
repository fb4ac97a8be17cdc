/**
 * Small, strict readers for environment variables. Each one records a one-line problem instead of
 * throwing, so that boot can report every bad variable at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
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

  url(name: string, fallback?: string, protocols: string[] = ['http:', 'https:']): string | undefined {
    const raw = this.string(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${raw}")`);
      return fallback;
    }
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  /** Durations such as `15m`, `30d`, `3600s` or plain seconds, returned in seconds. */
  duration(name: string, fallback: string): number {
    const raw = this.string(name) ?? fallback;
    const match = /^(\d+)\s*([smhd]?)$/.exec(raw);
    if (!match) {
      this.problems.push(`${name} must be a duration such as 15m, 12h or 30d (got "${raw}")`);
      return parseDuration(fallback);
    }
    return parseDuration(raw);
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

function parseDuration(raw: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw);
  if (!match) throw new Error(`bad built-in duration ${raw}`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}
