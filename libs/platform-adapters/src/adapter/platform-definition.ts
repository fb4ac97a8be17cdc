import type { Provider, Type } from '@nestjs/common';
import type { MediaFileFetcher } from '../media/media-file-fetcher';
import type { SettingsReader } from '../settings/settings-reader';
import type { MediaVia } from './collection';
import type { PlatformAdapter } from './platform-adapter';

/**
 * Everything the library needs to know about one platform, exported from its folder and listed once in
 * `platforms.ts`. The module turns it into providers: the options slice under `optionsToken`, the
 * adapter, the platform's own providers, and its media fetchers.
 */
export interface PlatformDefinition<TOptions = unknown> {
  /** The platform's name, as in PLATFORM_NAMES and the adapter's descriptor. */
  name: string;
  /**
   * Reads and checks the platform's slice of the settings (its URLs, client ids, limits). Problems go to
   * `read.problems`, one sentence each naming the setting; they stop the boot together with every other
   * platform's.
   */
  readOptions(read: SettingsReader): TOptions;
  /** Where the slice is injected; the adapter and the platform's providers ask for it by this token. */
  optionsToken: symbol;
  adapter: Type<PlatformAdapter>;
  /** Extra providers the platform's code injects (a downloader of its own, say). */
  providers?: Provider[];
  /**
   * Media references this platform marks with a `via` other than `http`, and the provider that fetches
   * them. The class must also be in `providers`.
   */
  mediaFetchers?: Partial<Record<Exclude<MediaVia, 'http'>, Type<MediaFileFetcher>>>;
  /** The CDN hosts its media comes from: the default of MEDIA_ALLOWED_HOSTS is every platform's list. */
  mediaHosts: readonly string[];
}
