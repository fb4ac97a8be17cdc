import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type Provider } from '@nestjs/common';
import { PLATFORM_NAMES } from '@app/contracts';
import type { PlatformAdapter } from './adapter/platform-adapter';
import { PlatformHttpClientFactory } from './http/platform-http-client.factory';
import { MediaDownloader } from './media/media-downloader';
import { checkPlatformAdaptersOptions, type PlatformAdaptersOptions } from './platform-adapters.options';
import { KNOWN_PLATFORMS, PLATFORM_ADAPTERS, PLATFORM_ADAPTERS_OPTIONS } from './platform-adapters.tokens';
import { PlatformAdapterRegistry } from './registry/platform-adapter.registry';
import { VideoFileDownloader } from './youtube/video-file-downloader';
import { YouTubeAdapter } from './youtube/youtube.adapter';

/** Every adapter this library ships. A new platform's adapter is added here and its name to PLATFORM_NAMES. */
const ADAPTERS = [YouTubeAdapter];

export interface PlatformAdaptersAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => PlatformAdaptersOptions | Promise<PlatformAdaptersOptions>;
}

const providers: Provider[] = [
  PlatformHttpClientFactory,
  MediaDownloader,
  VideoFileDownloader,
  ...ADAPTERS,
  {
    provide: PLATFORM_ADAPTERS,
    useFactory: (...adapters: PlatformAdapter[]): PlatformAdapter[] => adapters,
    inject: ADAPTERS,
  },
  { provide: KNOWN_PLATFORMS, useValue: PLATFORM_NAMES },
  PlatformAdapterRegistry,
];

const exported = [PlatformAdapterRegistry, PlatformHttpClientFactory, MediaDownloader, VideoFileDownloader, PLATFORM_ADAPTERS_OPTIONS];

/**
 * Adapters, registry, platform HTTP client factory, media downloader and video file downloader. Import it once, in the root
 * module: it is global because single-flight refresh and rate-limit pauses are per-client state, and a
 * second copy of the module would mean a second, uncoordinated client per platform.
 */
@Module({})
export class PlatformAdaptersModule {
  static forRoot(options: PlatformAdaptersOptions): DynamicModule {
    return {
      module: PlatformAdaptersModule,
      global: true,
      providers: [{ provide: PLATFORM_ADAPTERS_OPTIONS, useFactory: () => checked(options) }, ...providers],
      exports: exported,
    };
  }

  static forRootAsync(options: PlatformAdaptersAsyncOptions): DynamicModule {
    return {
      module: PlatformAdaptersModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PLATFORM_ADAPTERS_OPTIONS,
          useFactory: async (...args: never[]) => checked(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        ...providers,
      ],
      exports: exported,
    };
  }
}

function checked(options: PlatformAdaptersOptions): PlatformAdaptersOptions {
  const problems = checkPlatformAdaptersOptions(options);
  if (problems.length > 0) {
    throw new Error(`Invalid platform adapter options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
  return options;
}
