/**
 * The platforms this build can serve. A name is listed here only once its adapter exists: the adapter
 * registry refuses to boot when a listed platform has no adapter (or two), so the API never accepts a
 * platform it cannot serve.
 */
export const PLATFORM_NAMES = ['youtube', 'facebook', 'twitter', 'instagram'] as const;

export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** Formats the export writers render a finished export into. */
export const EXPORT_FORMATS = ['json', 'csv', 'html'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How a user connects a platform: an OAuth grant, browser session cookies, or an uploaded data archive. */
export const AUTH_TYPES = ['oauth', 'cookies', 'archive'] as const;

export type AuthType = (typeof AUTH_TYPES)[number];

/** When a quota's counter goes back to zero. */
export type QuotaReset =
  /** At local midnight in a time zone (YouTube: America/Los_Angeles). */
  | { type: 'daily'; timeZone: string }
  /** A window the platform tracks itself and reports in response headers (X: 15 minutes, Facebook: one hour). */
  | { type: 'window'; seconds: number }
  /** At the first instant of the next calendar month in UTC (X's monthly spending budget). */
  | { type: 'monthly'; timeZone: 'UTC' };

/** One spending limit a platform enforces on a connection or on the app. */
export interface QuotaLimit {
  /** Ledger bucket the limit applies to; `default` is the platform's general pool. */
  bucket: string;
  /** What is counted: YouTube `unit`s, `call`s, `post`s. */
  unit: string;
  limit: number;
  reset: QuotaReset;
}

/**
 * A platform's catalogue entry. `GET /api/platforms` serves the spec's five fields (name, displayName,
 * authType, exportFormats, features); `limits` describes the quota so clients can show what an export costs.
 */
export interface PlatformDescriptor {
  name: PlatformName;
  displayName: string;
  authType: AuthType;
  /** Only formats the export engine really produces for this platform. */
  exportFormats: ExportFormat[];
  /** What can be exported; `false` marks data the platform does not give out (YouTube analytics). */
  features: Record<string, boolean>;
  limits: QuotaLimit[];
}

/** The `options` of `POST /api/export/start`; a type, not an interface, so that it stays plain JSON (a JsonValue). */
export type ExportOptions = {
  includeMedia?: boolean;
  /** Inclusive calendar dates, `YYYY-MM-DD`. */
  dateRange?: { start: string; end: string };
  /** Upper bound on items per export. */
  maxRecords?: number;
  /**
   * Descriptor features to export (`videos`, `playlists`...); absent means every feature the platform
   * offers. Plans whose `feature` is not listed are left out.
   */
  collections?: string[];
  /**
   * Archive imports only: also fetch from the connected platform's API what is newer than the archive's
   * newest item, merged by id.
   */
  topUp?: boolean;
  /** Set by `POST /api/export/import`, never by a client: the uploaded archive the export reads instead of the API. */
  source?: ArchiveSource;
};

/** The uploaded archive an import reads; the file itself lives in the export's work folder. */
export type ArchiveSource = {
  kind: 'archive';
  /** The uploaded file's name, for the manifest only. */
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the uploaded file. */
  sha256: string;
  /** ISO 8601. */
  uploadedAt: string;
};
