import type { MediaDownloadRequest, MediaDownloadResult } from './media-downloader';

/**
 * One way of fetching a media file: MediaDownloader (a plain GET) or a platform's own (YouTube's
 * yt-dlp). The file ends up at `destination`, or nowhere; failures are MediaErrors.
 */
export interface MediaFileFetcher {
  download(request: MediaDownloadRequest): Promise<MediaDownloadResult>;
}
