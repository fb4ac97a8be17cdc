import type { MediaReference } from '@app/platform-adapters';

/** Downloads one media file: over HTTP through the media helper, or a video file through yt-dlp. */
export interface MediaFetcher {
  fetch(ref: MediaReference, destination: string, signal: AbortSignal): Promise<{ bytes: number; contentType?: string }>;
}

/** One downloaded media file, as the media spool records it. */
export interface MediaRecord {
  itemId: string;
  /** Path inside the archive. */
  name: string;
  /** Path in the work folder. */
  file: string;
}

/** Something that could not be exported, as errors.json lists it. */
export interface ExportErrorRecord {
  collection: string;
  itemId?: string;
  url?: string;
  reason: string;
}
