import type { MediaReference, MediaVia } from '../adapter/collection';
import { MediaRefusedError } from '../errors';
import type { MediaDownloadResult } from './media-downloader';
import type { MediaFileFetcher } from './media-file-fetcher';

/**
 * Fetches the media file a reference names, the way its platform said (`ref.via`): a plain GET through
 * MediaDownloader by default, or a platform's own fetcher (YouTube's yt-dlp for `ytdlp`). The export
 * engine hands every reference here and never learns how a platform's media is fetched.
 */
export class MediaFetcher {
  constructor(
    private readonly http: MediaFileFetcher,
    private readonly platformFetchers: ReadonlyMap<MediaVia, MediaFileFetcher>,
  ) {}

  /** Leaves the file at `destination`, or nothing; rejects with a MediaError saying why. */
  async fetch(ref: MediaReference, destination: string, signal: AbortSignal): Promise<MediaDownloadResult> {
    const via = ref.via ?? 'http';
    const fetcher = via === 'http' ? this.http : this.platformFetchers.get(via);
    if (!fetcher) throw new MediaRefusedError(ref.url, 'unknown_fetcher', `no platform fetches media via "${via}"`);
    return fetcher.download({ url: ref.url, destination, signal });
  }
}
