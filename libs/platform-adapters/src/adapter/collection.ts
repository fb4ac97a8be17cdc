/** A JSON value, as items are spooled to NDJSON and rendered later. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/**
 * Where a collection stopped: opaque to everyone but its adapter, which encodes whatever it needs (a page
 * token, an `after` cursor, an offset into a list of ids) as a string the pipeline can checkpoint.
 */
export type Cursor = string;

/** One collection an export pulls, in the order the export pulls them. */
export interface CollectionPlan {
  /** Stable name, also the spool and checkpoint key: `videos`, `playlists`, `comments`. */
  collection: string;
  /** The descriptor feature it serves, for the manifest and the catalogue. */
  feature: string;
  /** Estimated quota units, when they can be known up front; used to refuse an export the quota cannot pay. */
  estimatedUnits?: number;
  /** Adapter-private parameters fixed when the export starts (e.g. a date window). */
  params?: JsonObject;
}

// Items and media references are type aliases, not interfaces, so they stay assignable to JsonValue:
// the pipeline spools them as JSON as they are.

/** A media file an item refers to, downloaded when the export includes media. */
export type MediaReference = {
  url: string;
  kind: 'image' | 'video' | 'audio' | 'thumbnail';
  /**
   * Which downloader fetches it: `http` (the default) is MediaDownloader, a plain GET of a file URL;
   * `ytdlp` is VideoFileDownloader, for a YouTube watch page whose video yt-dlp extracts.
   */
  via?: 'http' | 'ytdlp';
};

export type ExportItem = {
  /** The platform's id, always a string (X ids exceed 2^53). Unique within its collection. */
  id: string;
  data: JsonObject;
  media?: MediaReference[];
};

/** One page of a collection. */
export interface Page {
  items: ExportItem[];
  /**
   * Where the next page starts; undefined ends the collection. A short or empty page with a cursor is not
   * the end (Facebook serves empty pages with a `next`).
   */
  cursor?: Cursor;
  /** The platform's (approximate) total, for progress only. */
  totalEstimate?: number;
  /** Things the user should read in the manifest: skipped items, platform caps reached. */
  warnings?: string[];
}
