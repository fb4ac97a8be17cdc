import type { ExportOptions, PlatformDescriptor } from '@app/contracts';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import type { CollectionViews } from '../adapter/collection-view';
import { PlatformAdapter } from '../adapter/platform-adapter';
import type { MediaReference } from '../adapter/collection';
import { MediaRefusedError } from '../errors';
import type { MediaDownloadResult } from '../media/media-downloader';
import { archiveEntryOf, type ArchiveImporter, type OpenedArchive } from './archive-importer';
import { TwitterArchiveImporter } from '../twitter/archive/twitter-archive-importer';
import { FacebookArchiveImporter } from '../facebook/archive/facebook-archive-importer';
import { InstagramArchiveImporter } from '../instagram/archive/instagram-archive-importer';
import { YouTubeTakeoutImporter } from '../youtube/archive/youtube-takeout-importer';
import { InvalidArchiveError } from './invalid-archive';
import { detectArchivePlatform, type ArchivePlatform } from './platform-detection';
import { DEFAULT_ZIP_LIMITS, ZipArchive, type ZipLimits } from './zip-archive';

/** The importers Star Export has, one per platform; a detected platform without one is refused. */
export const ARCHIVE_IMPORTERS: readonly ArchiveImporter[] = [
  new TwitterArchiveImporter(),
  new FacebookArchiveImporter(),
  new InstagramArchiveImporter(),
  new YouTubeTakeoutImporter(),
];

const DISPLAY: Record<ArchivePlatform, string> = { twitter: 'an X', facebook: 'a Facebook', instagram: 'an Instagram', youtube: 'a Google Takeout (YouTube)' };

export function archiveImporterFor(platform: string): ArchiveImporter | undefined {
  return ARCHIVE_IMPORTERS.find((importer) => importer.platform === platform);
}

/** An archive opened for import: the platform its content proves, and its index. Close it when done. */
export interface OpenedImport {
  platform: ArchivePlatform;
  zip: ZipArchive;
  archive: OpenedArchive;
}

/**
 * Opens an uploaded file as a platform archive: a safe ZIP (ZipArchive's checks), whose platform is
 * detected from its content and must match `claimed` when the client named one. Throws
 * InvalidArchiveError with the reason; the ZIP is closed on every refusal.
 */
export async function openImport(path: string, claimed?: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<OpenedImport> {
  const zip = await ZipArchive.open(path, limits);
  try {
    const platform = detectArchivePlatform(zip.names());
    if (!platform) {
      throw new InvalidArchiveError('unknown_platform', 'This is not an archive of a known platform (an X archive, Facebook or Instagram "Download Your Information" in JSON, or a Google Takeout of YouTube)');
    }
    if (claimed !== undefined && claimed !== platform) {
      throw new InvalidArchiveError('platform_mismatch', `This is ${DISPLAY[platform]} archive, not one of ${claimed}`);
    }
    const importer = archiveImporterFor(platform);
    if (!importer) throw new InvalidArchiveError('unsupported_platform', `Importing ${DISPLAY[platform]} archive is not available yet`);
    return { platform, zip, archive: await importer.open(zip) };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/**
 * An opened archive in the shape the export pipeline pulls from: the same collections, records and
 * viewer as the platform's own adapter, read from the archive instead of the API.
 */
export class ArchiveSourceAdapter extends PlatformAdapter {
  readonly descriptor: PlatformDescriptor;
  override readonly views?: CollectionViews;

  constructor(
    platform: PlatformDescriptor,
    views: CollectionViews | undefined,
    private readonly archive: OpenedArchive,
  ) {
    super();
    this.descriptor = { ...platform, authType: 'archive' };
    this.views = views;
  }

  verifyCredentials(): Promise<AccountInfo> {
    return Promise.resolve(this.archive.account());
  }

  collections(options: ExportOptions): CollectionPlan[] {
    return this.archive.plans(options.collections);
  }

  pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    return this.archive.pages(plan, from, ctx.signal);
  }
}

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm', m4a: 'audio/mp4', mp3: 'audio/mpeg' };

interface MediaFetch {
  fetch(ref: MediaReference, destination: string, signal: AbortSignal): Promise<MediaDownloadResult>;
}

/**
 * Media of an import: entries of the archive (`via: 'archive'`) are copied out of the ZIP; anything
 * else (a top-up from the API) goes to the platform's own fetcher.
 */
export function archiveMediaFetcher(zip: ZipArchive, others: MediaFetch): MediaFetch {
  return {
    async fetch(ref, destination, signal) {
      if (ref.via !== 'archive') return others.fetch(ref, destination, signal);
      const entry = archiveEntryOf(ref.url);
      if (!entry || !zip.has(entry)) throw new MediaRefusedError(ref.url, 'unknown_fetcher', 'the file is not in the archive');
      const { bytes, sha256 } = await zip.copyTo(entry, destination, signal);
      const ext = /\.([A-Za-z0-9]{1,5})$/.exec(entry)?.[1]?.toLowerCase() ?? '';
      return { bytes, sha256, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', finalUrl: ref.url };
    },
  };
}
