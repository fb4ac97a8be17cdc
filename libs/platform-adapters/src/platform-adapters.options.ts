import type { HttpPolicy } from './http/http-policy';

export interface GoogleOAuthOptions {
  /** Without it and the secret, YouTube tokens can be neither refreshed nor checked for their audience. */
  clientId?: string;
  clientSecret?: string;
  /** GOOGLE_AUTH_URL: the consent screen of OAuth connect. Default https://accounts.google.com/o/oauth2/v2/auth. */
  authUrl?: string;
  /** GOOGLE_TOKEN_URL: authorization-code and refresh grants. */
  tokenUrl: string;
  /** GOOGLE_REVOKE_URL: used on disconnect. */
  revokeUrl: string;
  /**
   * Google's tokeninfo endpoint. Defaults to `tokeninfo` next to tokenUrl (https://oauth2.googleapis.com/tokeninfo
   * for the real one), so a sandbox that stands in for the token endpoint stands in for this one too.
   */
  tokenInfoUrl?: string;
}

export interface MediaOptions {
  /**
   * MEDIA_ALLOWED_HOSTS: `*.ytimg.com` (any subdomain), `yt3.ggpht.com` (exact), optionally with `:port`
   * (without one, only the scheme's default port). Names never unlock private, loopback or link-local
   * addresses, whatever they resolve to; an IP-literal entry (`127.0.0.1:4100`) is the explicit way to
   * allow one, e.g. a local sandbox.
   */
  allowedHosts: string[];
  /** Per file; default 2 GiB. */
  maxBytes?: number;
  /** Per file, redirects included; default 10 minutes. */
  timeoutMs?: number;
  /** Per video file fetched with yt-dlp (VideoFileDownloader), extraction included; default 60 minutes. */
  videoTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
}

/** What apps/api passes to PlatformAdaptersModule.forRoot / forRootAsync, from its own config. */
export interface PlatformAdaptersOptions {
  youtube: {
    /** YOUTUBE_API_URL, e.g. https://www.googleapis.com/youtube/v3. */
    apiUrl: string;
    /**
     * The watch page video files are fetched from with yt-dlp: `<watchUrl>?v=<id>`. Default
     * https://www.youtube.com/watch; point it at the sandbox (`http://127.0.0.1:5100/watch`) to stand in.
     * VideoFileDownloader refuses any other URL.
     */
    watchUrl?: string;
  };
  google: GoogleOAuthOptions;
  media: MediaOptions;
  /**
   * YTDLP_PATH: the yt-dlp executable for video files. Default /usr/bin/yt-dlp (Debian's package, too old
   * for today's YouTube: video files are best-effort). Checked when a video is downloaded, not at boot.
   */
  ytdlpPath?: string;
  /** Overrides of DEFAULT_HTTP_POLICY for every platform. */
  http?: Partial<HttpPolicy>;
}

/** Problems with the options, as sentences; empty when they are usable. */
export function checkPlatformAdaptersOptions(options: PlatformAdaptersOptions): string[] {
  const problems: string[] = [];
  const urls: [string, string | undefined][] = [
    ['youtube.apiUrl', options.youtube.apiUrl],
    ['google.authUrl', options.google.authUrl],
    ['google.tokenUrl', options.google.tokenUrl],
    ['google.revokeUrl', options.google.revokeUrl],
    ['google.tokenInfoUrl', options.google.tokenInfoUrl],
    ['youtube.watchUrl', options.youtube.watchUrl],
  ];
  const optional = new Set(['google.authUrl', 'google.tokenInfoUrl', 'youtube.watchUrl']);
  for (const [name, value] of urls) {
    if (value === undefined && optional.has(name)) continue;
    if (!isHttpUrl(value)) problems.push(`${name} must be an http(s) URL (got ${value === undefined ? 'nothing' : `"${value}"`})`);
  }
  if (Boolean(options.google.clientId) !== Boolean(options.google.clientSecret)) {
    problems.push('google.clientId and google.clientSecret must be set together');
  }
  return problems;
}

function isHttpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
