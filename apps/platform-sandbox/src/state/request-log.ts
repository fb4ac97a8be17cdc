/**
 * What the sandbox served: a bounded list of recent requests plus counters that never roll over, so
 * a benchmark over a million items can still ask "how many calls, how many units".
 */
export interface LogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  /** The API method, e.g. youtube.playlistItems.list, oauth.token, media.thumbnail. */
  api: string;
  query: Record<string, string>;
  account: string | null;
  status: number;
  units: number;
  page: number | null;
  fault: string | null;
}

const SECRET_PARAMS = new Set(['access_token', 'refresh_token', 'code', 'code_verifier', 'client_secret', 'token', 'id_token', 'key']);

export function loggableQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) out[name] = SECRET_PARAMS.has(name) ? '[redacted]' : value;
  return out;
}

export class RequestLog {
  private entries: LogEntry[] = [];
  private seq = 0;
  private counts = new Map<string, number>();
  private statuses = new Map<string, number>();
  private faults = 0;

  constructor(private readonly capacity: number) {}

  record(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full = { ...entry, seq: ++this.seq };
    this.entries.push(full);
    // Trim in batches so that a full log does not shift its array on every request.
    if (this.entries.length > this.capacity * 1.25) this.entries = this.entries.slice(-this.capacity);
    this.counts.set(entry.api, (this.counts.get(entry.api) ?? 0) + 1);
    const statusKey = `${entry.api} ${entry.status}`;
    this.statuses.set(statusKey, (this.statuses.get(statusKey) ?? 0) + 1);
    if (entry.fault) this.faults++;
    return full;
  }

  query(filter: { since?: number; limit?: number; api?: string; account?: string }): LogEntry[] {
    let list = this.entries.filter(
      (e) =>
        (filter.since === undefined || e.seq > filter.since) &&
        (filter.api === undefined || e.api === filter.api) &&
        (filter.account === undefined || e.account === filter.account),
    );
    if (filter.limit !== undefined) list = list.slice(-filter.limit);
    return list;
  }

  summary(): { total: number; faults: number; counts: Record<string, number>; statuses: Record<string, number>; lastSeq: number } {
    return {
      total: [...this.counts.values()].reduce((sum, n) => sum + n, 0),
      faults: this.faults,
      counts: Object.fromEntries(this.counts),
      statuses: Object.fromEntries(this.statuses),
      lastSeq: this.seq,
    };
  }

  clear(): void {
    this.entries = [];
    this.counts.clear();
    this.statuses.clear();
    this.faults = 0;
    // seq keeps increasing so that `since` cursors held by a client stay meaningful.
  }
}
