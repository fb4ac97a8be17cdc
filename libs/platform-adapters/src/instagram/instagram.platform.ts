import type { PlatformDefinition } from '../adapter/platform-definition';
import { InstagramBrowser } from './instagram-browser';
import { InstagramAdapter } from './instagram.adapter';
import { INSTAGRAM_OPTIONS, readInstagramOptions, type InstagramOptions } from './instagram.options';

/** Instagram: the website in Chromium with the user's session cookies; photos and videos from its CDN. */
export const INSTAGRAM_PLATFORM: PlatformDefinition<InstagramOptions> = {
  name: 'instagram',
  readOptions: readInstagramOptions,
  optionsToken: INSTAGRAM_OPTIONS,
  adapter: InstagramAdapter,
  providers: [InstagramBrowser],
  mediaHosts: ['*.cdninstagram.com', '*.fbcdn.net'],
};
