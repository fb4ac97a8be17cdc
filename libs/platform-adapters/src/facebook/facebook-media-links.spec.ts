import { MediaDownloadError } from '../errors';
import { mediaLinkExpired } from './facebook-media-links';

describe('mediaLinkExpired', () => {
  const now = Date.UTC(2026, 4, 20, 12);
  const link = (oeSeconds: number): string => `https://scontent.xx.fbcdn.net/v/t39/1.jpg?_nc_ht=scontent.xx&oh=00_abc&oe=${oeSeconds.toString(16).toUpperCase()}`;

  it('takes the CDN refusing the link (403, 410) as an expired link', () => {
    for (const status of [403, 410]) expect(mediaLinkExpired(link(now / 1000 + 3600), new MediaDownloadError('x', `HTTP ${status}`, status), now)).toBe(true);
  });

  it('takes a link past its `oe` as expired whatever the failure, and a link within it as not', () => {
    expect(mediaLinkExpired(link(now / 1000 - 1), new Error('socket hang up'), now)).toBe(true);
    expect(mediaLinkExpired(link(now / 1000 + 3600), new MediaDownloadError('x', 'HTTP 500', 500), now)).toBe(false);
    expect(mediaLinkExpired('https://scontent.xx.fbcdn.net/v/1.jpg', new Error('timed out'), now)).toBe(false);
  });
});
