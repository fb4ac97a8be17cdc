import type { SettingsReader } from '../settings/settings-reader';
import { parseHostPattern } from './host-allow-list';

/** How media files are fetched, for every platform: the one slice no platform owns. */
export interface MediaOptions {
  /**
   * MEDIA_ALLOWED_HOSTS: `*.ytimg.com` (any subdomain), `yt3.ggpht.com` (exact), optionally with `:port`
   * (without one, only the scheme's default port). Names never unlock private, loopback or link-local
   * addresses, whatever they resolve to; an IP-literal entry (`127.0.0.1:4100`) is the explicit way to
   * allow one, e.g. a local sandbox. Unset, it is every registered platform's own CDN hosts.
   */
  allowedHosts: string[];
  /** Per file, video files included; default 2 GiB. */
  maxBytes?: number;
  /** Per file, redirects included; default 10 minutes. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
}

/** Reads MEDIA_ALLOWED_HOSTS, defaulting to the hosts the registered platforms serve media from. */
export function readMediaOptions(read: SettingsReader, platformHosts: readonly string[]): MediaOptions {
  const allowedHosts = read.list('MEDIA_ALLOWED_HOSTS', [...new Set(platformHosts)]);
  for (const entry of allowedHosts) {
    try {
      parseHostPattern(entry);
    } catch (error) {
      read.problems.push((error as Error).message);
    }
  }
  return { allowedHosts };
}
