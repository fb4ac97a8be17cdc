import type { MediaFetcher as PlatformMediaFetcher } from '@app/platform-adapters';

/** Downloads one media file the way its platform says; the platform library's MediaFetcher does it. */
export type MediaFetcher = Pick<PlatformMediaFetcher, 'fetch'>;

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
