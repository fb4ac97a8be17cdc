/** A JSON value, as items are spooled to NDJSON and rendered later. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/**
 * Where a collection stopped: opaque to everyone but its adapter, which encodes whatever it needs (a page
 * token, an `after` cursor, an offset into a list of ids) as a string the pipeline can checkpoint.
 */
export type Cursor = string;

/**
 * One item of a collection, as a place in it: its id, and its time for lists ordered by time. A page
 * reports the newest item it delivered (`Page.newest`) and a plan may start after one (`CollectionPlan.after`),
 * which is how an incremental export ("only what is new since my last export") will work: the export
 * engine keeps each collection's newest mark with the finished export, and a later export of the same
 * connection passes it back as `after`, so the adapter stops paging once it reaches it.
 */
export type CollectionMark = { id: string; at?: string };

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
  /**
   * Start after this item: a previous export's newest of this collection (see CollectionMark). Unset, the
   * collection is exported whole; an adapter that cannot honour it exports whole and says so in a warning.
   */
  after?: CollectionMark;
}

// Items and media references are type aliases, not interfaces, so they stay assignable to JsonValue:
// the pipeline spools them as JSON as they are.

/**
 * How a media file is fetched: `http` (the default) is a plain GET of a file URL (MediaDownloader); the
 * others belong to a platform, which registers their fetcher in its PlatformDefinition (`ytdlp`: a YouTube
 * watch page whose video yt-dlp extracts), or to an archive import (`archive`: an entry of the uploaded ZIP). Only the library reads it (MediaFetcher).
 */
export type MediaVia = 'http' | 'ytdlp' | 'archive';

/** A media file an item refers to, downloaded when the export includes media. */
export type MediaReference = {
  url: string;
  kind: 'image' | 'video' | 'audio' | 'thumbnail';
  via?: MediaVia;
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
  /** The newest item the collection has delivered so far, for a later incremental export (CollectionMark). */
  newest?: CollectionMark;
}
