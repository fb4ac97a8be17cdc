import type { PlatformAdaptersOptions } from '@app/platform-adapters';
import type { AppConfig } from '../../config/app-config';

/** The adapters library's settings, from the app's validated config. */
export function platformAdaptersOptions(config: AppConfig): PlatformAdaptersOptions {
  return {
    youtube: { apiUrl: config.platforms.youtubeApiUrl, watchUrl: config.platforms.youtubeWatchUrl },
    ytdlpPath: config.ytdlpPath,
    google: {
      clientId: config.google.clientId,
      clientSecret: config.google.clientSecret,
      authUrl: config.google.authUrl,
      tokenUrl: config.google.tokenUrl,
      revokeUrl: config.google.revokeUrl,
    },
    media: { allowedHosts: config.mediaAllowedHosts },
  };
}
