import type { PlatformDefinition } from '../adapter/platform-definition';
import { FacebookAdapter } from './facebook.adapter';
import { FACEBOOK_OPTIONS, readFacebookOptions, type FacebookOptions } from './facebook.options';

/** Facebook: the Graph API with Facebook Login; photos and videos come from Meta's CDN. */
export const FACEBOOK_PLATFORM: PlatformDefinition<FacebookOptions> = {
  name: 'facebook',
  readOptions: readFacebookOptions,
  optionsToken: FACEBOOK_OPTIONS,
  adapter: FacebookAdapter,
  mediaHosts: ['*.fbcdn.net'],
};
