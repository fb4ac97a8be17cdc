import type { PlatformDefinition } from '../adapter/platform-definition';
import { VideoFileDownloader } from './video-file-downloader';
import { YouTubeAdapter } from './youtube.adapter';
import { readYouTubeOptions, YOUTUBE_OPTIONS, type YouTubeOptions } from './youtube.options';

/** YouTube: Data API v3 with Google OAuth; its own uploads' video files through yt-dlp. */
export const YOUTUBE_PLATFORM: PlatformDefinition<YouTubeOptions> = {
  name: 'youtube',
  readOptions: readYouTubeOptions,
  optionsToken: YOUTUBE_OPTIONS,
  adapter: YouTubeAdapter,
  providers: [VideoFileDownloader],
  mediaFetchers: { ytdlp: VideoFileDownloader },
  mediaHosts: ['*.ytimg.com', 'yt3.ggpht.com', 'yt3.googleusercontent.com'],
};
