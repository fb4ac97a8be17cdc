import { readGoogleOAuthOptions, type GoogleOAuthOptions } from '../google/google-oauth.options';
import type { SettingsReader } from '../settings/settings-reader';
import { YOUTUBE_WATCH_URL } from './youtube.descriptor';

/** YouTube's slice of the settings: the Data API, the watch page yt-dlp reads, and Google's OAuth. */
export interface YouTubeOptions {
  /** YOUTUBE_API_URL, default https://www.googleapis.com/youtube/v3. */
  apiUrl: string;
  /**
   * YOUTUBE_WATCH_URL: the watch page video files are fetched from with yt-dlp, `<watchUrl>?v=<id>`.
   * Default https://www.youtube.com/watch; point it at the sandbox (`http://127.0.0.1:5100/watch`) to
   * stand in. VideoFileDownloader refuses any other URL.
   */
  watchUrl: string;
  /**
   * YTDLP_PATH: the yt-dlp executable for video files. Default /usr/bin/yt-dlp (Debian's package, too old
   * for today's YouTube: video files are best-effort). Checked when a video is downloaded, not at boot.
   */
  ytdlpPath: string;
  /** Per video file fetched with yt-dlp, extraction included; default 60 minutes. */
  videoTimeoutMs?: number;
  google: GoogleOAuthOptions;
}

export const YOUTUBE_OPTIONS = Symbol('YOUTUBE_OPTIONS');

export function readYouTubeOptions(read: SettingsReader): YouTubeOptions {
  return {
    apiUrl: read.url('YOUTUBE_API_URL', 'https://www.googleapis.com/youtube/v3'),
    watchUrl: read.url('YOUTUBE_WATCH_URL', YOUTUBE_WATCH_URL),
    ytdlpPath: read.string('YTDLP_PATH') ?? '/usr/bin/yt-dlp',
    google: readGoogleOAuthOptions(read),
  };
}
