import { PlatformHttpClientFactory } from '../src/http/platform-http-client.factory';
import type { HttpPolicy } from '../src/http/http-policy';
import type { MediaOptions } from '../src/media/media.options';
import { resolvePlatformSettings } from '../src/settings/platform-settings';
import type { PlatformSettings } from '../src/settings/settings-reader';
import { YouTubeAdapter } from '../src/youtube/youtube.adapter';
import type { YouTubeOptions } from '../src/youtube/youtube.options';
import { CLIENT_ID, CLIENT_SECRET, type FakeGoogle } from './fake-google';

/** Short backoffs, so retries do not slow the suites down. */
export const FAST_HTTP: Partial<HttpPolicy> = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 };

/** YouTube's slice and the media slice, read from settings exactly as the module reads them at boot. */
export function youtubeSlices(settings: PlatformSettings): { youtube: YouTubeOptions; media: MediaOptions } {
  const resolved = resolvePlatformSettings(settings);
  return { youtube: resolved.platforms.get('youtube') as YouTubeOptions, media: resolved.media };
}

/** A YouTubeAdapter configured from settings, with its own client factory. */
export function youtubeAdapter(settings: PlatformSettings, http: Partial<HttpPolicy> = FAST_HTTP): YouTubeAdapter {
  return new YouTubeAdapter(youtubeSlices(settings).youtube, new PlatformHttpClientFactory(http));
}

/** Settings pointing every Google URL at a FakeGoogle. */
export function fakeGoogleSettings(google: FakeGoogle, overrides: PlatformSettings = {}): PlatformSettings {
  return {
    YOUTUBE_API_URL: `${google.origin}/youtube/v3`,
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_TOKEN_URL: `${google.origin}/token`,
    GOOGLE_REVOKE_URL: `${google.origin}/revoke`,
    ...overrides,
  };
}
