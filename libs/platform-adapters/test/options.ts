import type { PlatformAdaptersOptions } from '../src/platform-adapters.options';
import { CLIENT_ID, CLIENT_SECRET, type FakeGoogle } from './fake-google';

/** Module options pointing every Google URL at a FakeGoogle, with short backoffs. */
export function fakeGoogleOptions(google: FakeGoogle, overrides: Partial<PlatformAdaptersOptions['google']> = {}): PlatformAdaptersOptions {
  return {
    youtube: { apiUrl: `${google.origin}/youtube/v3` },
    google: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: `${google.origin}/token`,
      revokeUrl: `${google.origin}/revoke`,
      ...overrides,
    },
    media: { allowedHosts: ['*.ytimg.com'] },
    http: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 },
  };
}
