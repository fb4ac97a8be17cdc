import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { PLATFORM_NAMES } from '@app/contracts';
import type { MediaVia } from './adapter/collection';
import type { PlatformAdapter } from './adapter/platform-adapter';
import type { HttpPolicy } from './http/http-policy';
import { PlatformHttpClientFactory } from './http/platform-http-client.factory';
import { MediaDownloader } from './media/media-downloader';
import { MediaFetcher } from './media/media-fetcher';
import type { MediaFileFetcher } from './media/media-file-fetcher';
import { PLATFORMS } from './platforms';
import {
  HTTP_POLICY_OVERRIDES,
  KNOWN_PLATFORMS,
  MEDIA_OPTIONS,
  PLATFORM_ADAPTERS,
  PLATFORM_ADAPTERS_SETUP,
  RESOLVED_SETTINGS,
} from './platform-adapters.tokens';
import { PlatformAdapterRegistry } from './registry/platform-adapter.registry';
import { resolvePlatformSettings, type ResolvedSettings } from './settings/platform-settings';
import type { PlatformSettings } from './settings/settings-reader';

/** What the app hands the library. It knows nothing of what a platform needs; each platform reads its own names. */
export interface PlatformAdaptersSetup {
  /** The environment, or the same names from wherever the app keeps them. */
  settings: PlatformSettings;
  /** Overrides of DEFAULT_HTTP_POLICY for every platform (tests shorten the backoffs). */
  http?: Partial<HttpPolicy>;
}

export interface PlatformAdaptersAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => PlatformAdaptersSetup | Promise<PlatformAdaptersSetup>;
}

const adapterTypes: Type<PlatformAdapter>[] = PLATFORMS.map((platform) => platform.adapter);
const fetcherEntries = PLATFORMS.flatMap((platform) =>
  Object.entries(platform.mediaFetchers ?? {}).map(([via, type]) => [via as MediaVia, type] as const),
);

const providers: Provider[] = [
  {
    provide: RESOLVED_SETTINGS,
    useFactory: (setup: PlatformAdaptersSetup) => resolvePlatformSettings(setup.settings),
    inject: [PLATFORM_ADAPTERS_SETUP],
  },
  { provide: MEDIA_OPTIONS, useFactory: (resolved: ResolvedSettings) => resolved.media, inject: [RESOLVED_SETTINGS] },
  { provide: HTTP_POLICY_OVERRIDES, useFactory: (setup: PlatformAdaptersSetup) => setup.http ?? {}, inject: [PLATFORM_ADAPTERS_SETUP] },
  ...PLATFORMS.map(
    (platform): Provider => ({
      provide: platform.optionsToken,
      useFactory: (resolved: ResolvedSettings) => resolved.platforms.get(platform.name),
      inject: [RESOLVED_SETTINGS],
    }),
  ),
  ...PLATFORMS.flatMap((platform) => platform.providers ?? []),
  PlatformHttpClientFactory,
  MediaDownloader,
  {
    provide: MediaFetcher,
    useFactory: (http: MediaDownloader, ...fetchers: MediaFileFetcher[]) =>
      new MediaFetcher(http, new Map(fetcherEntries.map(([via], index) => [via, fetchers[index]]))),
    inject: [MediaDownloader, ...fetcherEntries.map(([, type]) => type)],
  },
  ...adapterTypes,
  {
    provide: PLATFORM_ADAPTERS,
    useFactory: (...adapters: PlatformAdapter[]): PlatformAdapter[] => adapters,
    inject: adapterTypes,
  },
  { provide: KNOWN_PLATFORMS, useValue: PLATFORM_NAMES },
  PlatformAdapterRegistry,
];

const exported = [PlatformAdapterRegistry, PlatformHttpClientFactory, MediaFetcher];

/**
 * Adapters, registry, platform HTTP client factory and media fetcher, built from the platforms listed in
 * `platforms.ts`. Import it once, in the root module: it is global because single-flight refresh and
 * rate-limit pauses are per-client state, and a second copy of the module would mean a second,
 * uncoordinated client per platform. Settings a platform refuses stop the boot (PlatformSettingsError).
 */
@Module({})
export class PlatformAdaptersModule {
  static forRoot(setup: PlatformAdaptersSetup): DynamicModule {
    return {
      module: PlatformAdaptersModule,
      global: true,
      providers: [{ provide: PLATFORM_ADAPTERS_SETUP, useValue: setup }, ...providers],
      exports: exported,
    };
  }

  static forRootAsync(options: PlatformAdaptersAsyncOptions): DynamicModule {
    return {
      module: PlatformAdaptersModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: PLATFORM_ADAPTERS_SETUP, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...providers,
      ],
      exports: exported,
    };
  }
}
