import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { PlatformDescriptor, PlatformName } from '@app/contracts';
import type { AccountInfo } from '../adapter/account-info';
import type { CollectionPlan, Page } from '../adapter/collection';
import { PlatformAdapter } from '../adapter/platform-adapter';
import { PlatformNotFoundError } from '../errors';
import { PlatformAdaptersModule, type PlatformAdaptersSetup } from '../platform-adapters.module';
import { MediaFetcher } from '../media/media-fetcher';
import type { PlatformSettings } from '../settings/settings-reader';
import { KNOWN_PLATFORMS, PLATFORM_ADAPTERS } from '../platform-adapters.tokens';
import { FacebookAdapter } from '../facebook/facebook.adapter';
import { InstagramAdapter } from '../instagram/instagram.adapter';
import { TwitterAdapter } from '../twitter/twitter.adapter';
import { YouTubeAdapter } from '../youtube/youtube.adapter';
import { AdapterRegistryError, PlatformAdapterRegistry } from './platform-adapter.registry';

class StaticAdapter extends PlatformAdapter {
  readonly descriptor: PlatformDescriptor;

  constructor(name: string) {
    super();
    this.descriptor = {
      name: name as PlatformName,
      displayName: name,
      authType: 'oauth',
      exportFormats: ['json'],
      features: {},
      limits: [],
    };
  }

  async verifyCredentials(): Promise<AccountInfo> {
    return { accountId: '1', name: this.descriptor.name, scopes: [] };
  }

  collections(): CollectionPlan[] {
    return [{ collection: 'posts', feature: 'posts' }];
  }

  async *pages(): AsyncIterable<Page> {
    yield { items: [] };
  }
}

class OtherYouTubeAdapter extends StaticAdapter {}

/** Boots a Nest module around the registry with these adapters and known platforms. */
function boot(adapters: PlatformAdapter[], known: string[]) {
  return Test.createTestingModule({
    providers: [
      { provide: PLATFORM_ADAPTERS, useValue: adapters },
      { provide: KNOWN_PLATFORMS, useValue: known },
      PlatformAdapterRegistry,
    ],
  }).compile();
}

const SETTINGS: PlatformSettings = {
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  MEDIA_ALLOWED_HOSTS: '*.ytimg.com,yt3.ggpht.com',
};
const OPTIONS: PlatformAdaptersSetup = { settings: SETTINGS };

describe('PlatformAdapterRegistry', () => {
  it('looks adapters up by name and lists them in the known order', async () => {
    const app = await boot([new StaticAdapter('facebook'), new StaticAdapter('youtube')], ['youtube', 'facebook']);
    const registry = app.get(PlatformAdapterRegistry);
    expect(registry.get('facebook').descriptor.name).toBe('facebook');
    expect(registry.descriptors().map((descriptor) => descriptor.name)).toEqual(['youtube', 'facebook']);
    expect(() => registry.get('myspace')).toThrow(PlatformNotFoundError);
    expect(registry.has('myspace')).toBe(false);
  });

  it('refuses to boot when two adapters claim one platform', async () => {
    const failure = boot([new StaticAdapter('youtube'), new OtherYouTubeAdapter('youtube')], ['youtube']);
    await expect(failure).rejects.toThrow(AdapterRegistryError);
    await expect(failure).rejects.toThrow('two adapters claim "youtube": StaticAdapter and OtherYouTubeAdapter');
  });

  it('refuses to boot when a known platform has no adapter', async () => {
    await expect(boot([new StaticAdapter('youtube')], ['youtube', 'facebook'])).rejects.toThrow('no adapter serves "facebook"');
  });

  it('refuses to boot when an adapter serves a platform nobody listed', async () => {
    await expect(boot([new StaticAdapter('youtube'), new StaticAdapter('myspace')], ['youtube'])).rejects.toThrow(
      'StaticAdapter serves "myspace", which is not a known platform (youtube)',
    );
  });
});

describe('PlatformAdaptersModule', () => {
  it('boots with an adapter registered for every known platform', async () => {
    const app = await Test.createTestingModule({ imports: [PlatformAdaptersModule.forRoot(OPTIONS)] }).compile();
    const registry = app.get(PlatformAdapterRegistry);
    expect(registry.list().map((adapter) => adapter.descriptor.name)).toEqual(['youtube', 'facebook', 'twitter', 'instagram']);
    expect(registry.get('youtube')).toBeInstanceOf(YouTubeAdapter);
    expect(registry.get('facebook')).toBeInstanceOf(FacebookAdapter);
    expect(registry.get('twitter')).toBeInstanceOf(TwitterAdapter);
    expect(registry.get('instagram')).toBeInstanceOf(InstagramAdapter);
    await app.close();
  });

  it('takes its options from a factory, and is global so feature modules can inject the registry', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({ providers: [{ provide: CONFIG, useValue: OPTIONS }], exports: [CONFIG] })
    class ConfigModule {}

    @Injectable()
    class Catalogue {
      constructor(@Inject(PlatformAdapterRegistry) readonly registry: PlatformAdapterRegistry) {}
    }
    @Module({ providers: [Catalogue] })
    class FeatureModule {}

    const app = await Test.createTestingModule({
      imports: [
        PlatformAdaptersModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (options: PlatformAdaptersSetup) => options,
        }),
        FeatureModule,
      ],
    }).compile();
    expect(app.get(Catalogue).registry.descriptors()[0].displayName).toBe('YouTube');
    await app.close();
  });

  it('refuses to boot with settings a platform cannot use, naming every bad setting at once', async () => {
    const bad = { settings: { ...SETTINGS, YOUTUBE_API_URL: 'ftp://example.com', GOOGLE_CLIENT_SECRET: undefined } };
    const failure = Test.createTestingModule({ imports: [PlatformAdaptersModule.forRoot(bad)] }).compile();
    await expect(failure).rejects.toThrow('YOUTUBE_API_URL must be an http(s) URL without user info (got "ftp://example.com")');
    await expect(failure).rejects.toThrow('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together');
  });

  it('refuses to boot with a malformed MEDIA_ALLOWED_HOSTS entry', async () => {
    const bad = { settings: { ...SETTINGS, MEDIA_ALLOWED_HOSTS: '*.com' } };
    await expect(Test.createTestingModule({ imports: [PlatformAdaptersModule.forRoot(bad)] }).compile()).rejects.toThrow(
      'MEDIA_ALLOWED_HOSTS entry "*.com" is a wildcard over a whole top-level domain',
    );
  });

  it('hands each reference to the fetcher its platform registered, and refuses an unknown one', async () => {
    const app = await Test.createTestingModule({ imports: [PlatformAdaptersModule.forRoot(OPTIONS)] }).compile();
    const media = app.get(MediaFetcher);
    // The default allow-list holds YouTube's CDNs, not an address like this one: refused before any request.
    await expect(media.fetch({ url: 'http://127.0.0.1:9/a.jpg', kind: 'image' }, '/nonexistent/a', new AbortController().signal)).rejects.toMatchObject({
      reason: 'host_not_allowed',
    });
    // yt-dlp only takes the configured watch page; anything else is refused before it starts.
    await expect(
      media.fetch({ url: 'http://127.0.0.1:9/a.mp4', kind: 'video', via: 'ytdlp' }, '/nonexistent/a', new AbortController().signal),
    ).rejects.toMatchObject({ reason: 'not_a_video' });
    await app.close();
  });
});
