import type { RunningSandbox } from '../../../apps/platform-sandbox/src';
import { PlatformHttpClientFactory } from '../src/http/platform-http-client.factory';
import type { HttpPolicy } from '../src/http/http-policy';
import type { MediaOptions } from '../src/media/media.options';
import { resolvePlatformSettings } from '../src/settings/platform-settings';
import type { PlatformSettings } from '../src/settings/settings-reader';
import { YouTubeAdapter } from '../src/youtube/youtube.adapter';
import type { YouTubeOptions } from '../src/youtube/youtube.options';

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

/** The platform sandbox's settings (Google's endpoints, the Data API, its media host and watch page). */
export function sandboxSettings(sandbox: RunningSandbox, overrides: PlatformSettings = {}): PlatformSettings {
  return { ...sandbox.env, YOUTUBE_WATCH_URL: `${sandbox.url}/watch`, ...overrides };
}
