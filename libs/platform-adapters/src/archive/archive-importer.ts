import type { AccountInfo } from '../adapter/account-info';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import type { ArchivePlatform } from './platform-detection';
import type { ZipArchive } from './zip-archive';

/**
 * Reads one platform's data archive (X archive, Meta's "Download Your Information", Google Takeout) into
 * the same collections and records that platform's adapter exports, so writers, the viewer and clients
 * see one shape whatever the source. One importer per platform, in that platform's folder.
 */
export interface ArchiveImporter {
  readonly platform: ArchivePlatform;
  /** The collections an archive can give, for the catalogue's features (`archive:<collection>`). */
  readonly collections: readonly string[];
  /** Reads the archive's index and small files; throws InvalidArchiveError when it is not what it claims. */
  open(zip: ZipArchive): Promise<OpenedArchive>;
}

/** An archive an importer has indexed: its account, what it holds, and its items page by page. */
export interface OpenedArchive {
  account(): AccountInfo;
  /** The collections this archive holds, in export order, narrowed to `collections` when given. */
  plans(collections?: readonly string[]): CollectionPlan[];
  /**
   * One collection's pages from `from` or the start. A page ends at a file or element boundary and its
   * cursor names where the next one starts, so a resumed import never reads a finished file again.
   */
  pages(plan: CollectionPlan, from?: Cursor, signal?: AbortSignal): AsyncIterable<Page>;
  /** Files the importer neither reads nor links as media: listed in the manifest, never dropped unseen. */
  unknownFiles(): string[];
}

/** The media file an item links inside the archive: fetched by copying the entry (MediaVia `archive`). */
export const ARCHIVE_MEDIA_SCHEME = 'archive:';

export function archiveMediaUrl(entryName: string): string {
  return `${ARCHIVE_MEDIA_SCHEME}${entryName}`;
}

export function archiveEntryOf(url: string): string | undefined {
  return url.startsWith(ARCHIVE_MEDIA_SCHEME) ? url.slice(ARCHIVE_MEDIA_SCHEME.length) : undefined;
}
