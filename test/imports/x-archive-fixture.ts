import type { ZipEntrySpec } from './zip-builder';

/**
 * X archives as X writes them (platform-facts.md §6.1): `data/manifest.js` (`window.__THAR_CONFIG`)
 * indexes `data/<type>.js` files of `window.YTD.<type>.partN = [ … ]`, posts are v1.1 objects wrapped
 * as `{ tweet: … }` with string counts and `created_at` like `Thu Nov 14 03:37:58 +0000 2019`, media
 * sit in `data/tweets_media/<tweetId>-<file>` (`tweet_media` before 2022).
 */
export const X_ACCOUNT = { accountId: '1400000000000000001', userName: 'archivist', displayName: 'Archive Owner' };

/** Past 2^53, as X's ids are: they must survive as strings. */
export const tweetId = (n: number): string => (10n ** 18n + 9007199254740993n + BigInt(n)).toString();

export function v11Tweet(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = tweetId(n);
  return {
    id_str: id,
    id,
    full_text: `Post ${n} &amp; more https://t.co/abc${n}`,
    created_at: `Thu Nov 14 03:37:${String(n % 60).padStart(2, '0')} +0000 2019`,
    favorite_count: String(n),
    retweet_count: '1',
    lang: 'en',
    entities: { urls: [{ url: `https://t.co/abc${n}`, expanded_url: `https://example.com/${n}`, display_url: `example.com/${n}` }], hashtags: [], user_mentions: [] },
    ...extra,
  };
}

const ytd = (type: string, part: number, items: unknown[]): string => `window.YTD.${type}.part${part} = ${JSON.stringify(items, null, 2)}`;

export interface XArchiveOptions {
  generation: 'modern' | 'legacy';
  /** Posts in each tweets file (modern: tweets.js, tweets-part1.js, …). */
  parts: number[];
  withMedia?: boolean;
}

export function xArchiveEntries(options: XArchiveOptions): ZipEntrySpec[] {
  const modern = options.generation === 'modern';
  const tweetType = modern ? 'tweets' : 'tweet';
  const entries: ZipEntrySpec[] = [];
  const dataTypes: Record<string, { files: { fileName: string; globalName: string; count: string }[] }> = {};
  const add = (type: string, fileBase: string, parts: unknown[][]): void => {
    dataTypes[type] = { files: [] };
    parts.forEach((items, part) => {
      const fileName = `data/${fileBase}${part === 0 ? '' : `-part${part}`}.js`;
      dataTypes[type].files.push({ fileName, globalName: `YTD.${type}.part${part}`, count: String(items.length) });
      entries.push({ name: fileName, data: ytd(type, part, items), deflate: true });
    });
  };
  let n = 0;
  const tweetParts = options.parts.map((count) =>
    Array.from({ length: count }, () => {
      n += 1;
      const media =
        options.withMedia && n === 1
          ? { extended_entities: { media: [{ id_str: '555', type: 'photo', media_url_https: 'https://pbs.twimg.com/media/PhotoKey1.jpg', url: 'https://t.co/media1' }] } }
          : {};
      return { tweet: v11Tweet(n, media) };
    }),
  );
  add(tweetType, modern ? 'tweets' : 'tweet', tweetParts);
  add('account', 'account', [[{ account: { accountId: X_ACCOUNT.accountId, username: X_ACCOUNT.userName, accountDisplayName: X_ACCOUNT.displayName, createdAt: '2012-03-04T05:06:07.000Z' } }]]);
  add('profile', 'profile', [[{ profile: { description: { bio: 'Keeps everything', website: '', location: 'Berlin' }, avatarMediaUrl: 'https://pbs.twimg.com/profile_images/1/a.jpg' } }]]);
  add('like', 'like', [[{ like: { tweetId: '1500000000000000001', fullText: 'A liked post', expandedUrl: 'https://twitter.com/i/web/status/1500000000000000001' } }]]);
  add('follower', 'follower', [[{ follower: { accountId: '1600000000000000001', userLink: 'https://twitter.com/intent/user?user_id=1600000000000000001' } }]]);
  add('following', 'following', [[{ following: { accountId: '1600000000000000002', userLink: 'https://twitter.com/intent/user?user_id=1600000000000000002' } }]]);
  add('directMessages', 'direct-messages', [
    [
      {
        dmConversation: {
          conversationId: '1400000000000000001-1600000000000000002',
          messages: [
            { messageCreate: { id: '1700000000000000002', senderId: '1600000000000000002', recipientId: X_ACCOUNT.accountId, text: 'Second, see https://t.co/dm1', urls: [{ url: 'https://t.co/dm1', expanded: 'https://example.org/dm', display: 'example.org/dm' }], mediaUrls: [], createdAt: '2021-05-01T10:00:01.000Z' } },
            { messageCreate: { id: '1700000000000000001', senderId: X_ACCOUNT.accountId, recipientId: '1600000000000000002', text: 'First', urls: [], mediaUrls: [], createdAt: '2021-05-01T10:00:00.000Z' } },
          ],
        },
      },
    ],
  ]);
  add('directMessagesGroup', 'direct-messages-group', [
    [
      {
        dmConversation: {
          conversationId: '1800000000000000001',
          messages: [
            { messageCreate: { id: '1800000000000000011', senderId: '1600000000000000001', text: 'Hello group', urls: [], mediaUrls: [], createdAt: '2022-01-01T00:00:00.000Z' } },
            { joinConversation: { id: '1800000000000000010', initiatingUserId: X_ACCOUNT.accountId, participantsSnapshot: [], createdAt: '2021-12-31T23:59:00.000Z' } },
          ],
        },
      },
    ],
  ]);
  if (modern) {
    add('noteTweet', 'note-tweet', [[{ noteTweet: { noteTweetId: '1900000000000000001', createdAt: '2023-06-01T12:00:00.000Z', updatedAt: '2023-06-01T12:00:00.000Z', core: { text: 'A long post https://t.co/long', urls: [{ shortUrl: 'https://t.co/long', expandedUrl: 'https://example.net/long' }], mentions: [], hashtags: [] } } }]]);
    add('deletedTweets', 'deleted-tweets', [[{ tweet: v11Tweet(900, { deleted_at: 'Fri Nov 15 03:37:58 +0000 2019' }) }]]);
  }
  if (options.withMedia) entries.push({ name: `data/${modern ? 'tweets_media' : 'tweet_media'}/${tweetId(1)}-PhotoKey1.jpg`, data: Buffer.from('fake-jpeg-bytes-of-the-archive') });
  // A data type Star Export does not read: it must be listed in the manifest, not dropped unseen.
  entries.push({ name: 'data/ad-engagements.js', data: ytd('adEngagements', 0, [{ ad: {} }]) });
  entries.push({ name: 'Your archive.html', data: '<html></html>' });
  const manifest = { userInfo: X_ACCOUNT, archiveInfo: { sizeBytes: '1000', generationDate: '2024-01-01T00:00:00.000Z', isPartialArchive: false }, dataTypes };
  entries.unshift({ name: 'data/manifest.js', data: `window.__THAR_CONFIG = ${JSON.stringify(manifest, null, 2)}` });
  return entries;
}
