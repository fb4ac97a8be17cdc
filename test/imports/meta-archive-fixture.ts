import type { ZipEntrySpec } from './zip-builder';

/**
 * JSON as Meta's "Download Your Information" writes it: every string's UTF-8 bytes taken as Latin-1
 * characters and escaped (`Café` is written `Caf\u00c3\u00a9`), the mojibake importers must undo.
 */
export function metaJson(value: unknown): string {
  const garbled = JSON.stringify(value, (_key, entry: unknown) => (typeof entry === 'string' ? Buffer.from(entry, 'utf8').toString('latin1') : entry));
  return garbled.replace(/[\u0080-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const json = (name: string, value: unknown): ZipEntrySpec => ({ name, data: metaJson(value), deflate: true });
const file = (name: string): ZipEntrySpec => ({ name, data: `bytes of ${name}` });

export const FB_OWNER = { fullName: 'Zoë Müller', link: 'https://www.facebook.com/zoe.mueller', id: 'zoe.mueller' };
export const FB_THREAD = 'annsmith_1234567890';

/** Four messages of one thread over two files, each written newest first as Meta does. */
function threadFiles(folder: string): ZipEntrySpec[] {
  const message = (n: number, extra: Record<string, unknown> = {}) => ({ sender_name: n % 2 ? 'Ann Smith' : FB_OWNER.fullName, timestamp_ms: 1_700_000_000_000 + n * 1000, content: `Message ${n} im Café ☕`, type: 'Generic', ...extra });
  const participants = [{ name: 'Ann Smith' }, { name: FB_OWNER.fullName }];
  return [
    json(`${folder}/${FB_THREAD}/message_1.json`, { participants, title: 'Ann Smith', messages: [message(4), message(3, { photos: [{ uri: `${folder}/${FB_THREAD}/photos/444.jpg`, creation_timestamp: 1_700_000_003 }] })] }),
    json(`${folder}/${FB_THREAD}/message_2.json`, { participants, title: 'Ann Smith', messages: [message(2), message(1)] }),
    file(`${folder}/${FB_THREAD}/photos/444.jpg`),
  ];
}

/** A Facebook DYI in the 2024 layout (`your_facebook_activity/`, `personal_information/`). */
export function facebook2024Entries(): ZipEntrySpec[] {
  const activity = 'your_facebook_activity';
  return [
    json('personal_information/profile_information/profile_information.json', {
      profile_v2: { name: { full_name: FB_OWNER.fullName, first_name: 'Zoë', last_name: 'Müller' }, emails: { emails: ['zoe@example.com'] }, profile_uri: FB_OWNER.link },
    }),
    json(`${activity}/posts/your_posts__check_ins__photos_and_videos_1.json`, [
      {
        timestamp: 1_700_000_000,
        title: 'Zoë Müller updated her status.',
        data: [{ post: 'Lunch at the Café 😀' }],
        attachments: [
          { data: [{ media: { uri: `${activity}/posts/media/Lunch_1/111.jpg`, creation_timestamp: 1_700_000_000, description: 'Café table', media_metadata: { photo_metadata: { exif_data: [{ taken_timestamp: 1_699_990_000 }] } } } }] },
          { data: [{ place: { name: 'Café Central', coordinate: { latitude: 48.21, longitude: 16.36 } } }] },
        ],
      },
    ]),
    json(`${activity}/posts/your_posts__check_ins__photos_and_videos_2.json`, [{ timestamp: 1_600_000_000, data: [{ post: 'An older post' }], attachments: [{ data: [{ external_context: { url: 'https://example.com/read' } }] }] }]),
    file(`${activity}/posts/media/Lunch_1/111.jpg`),
    json(`${activity}/posts/album/0.json`, { name: 'Ferien in Köln', photos: [{ uri: `${activity}/posts/media/Ferien_0/333.jpg`, creation_timestamp: 1_620_000_000, title: 'Dom' }] }),
    file(`${activity}/posts/media/Ferien_0/333.jpg`),
    json(`${activity}/posts/your_videos.json`, { videos_v2: [{ uri: `${activity}/posts/media/videos/222.mp4`, creation_timestamp: 1_650_000_000, description: 'Ein Video' }] }),
    file(`${activity}/posts/media/videos/222.mp4`),
    json(`${activity}/comments_and_reactions/comments.json`, {
      comments_v2: [{ timestamp: 1_700_000_500, title: "Zoë Müller commented on Ann Smith's post.", data: [{ comment: { timestamp: 1_700_000_500, comment: 'Schön!', author: FB_OWNER.fullName } }] }],
    }),
    json(`${activity}/comments_and_reactions/likes_and_reactions_1.json`, [
      { timestamp: 1_700_000_600, title: "Zoë Müller reacted to Ann Smith's post.", data: [{ reaction: { reaction: 'LOVE', actor: FB_OWNER.fullName } }] },
    ]),
    ...threadFiles(`${activity}/messages/inbox`),
    json('logged_information/search/your_search_history.json', { searches_v2: [] }),
  ];
}

/** A Facebook DYI in the layout before 2024 (`posts/`, `messages/inbox/` at the top), re-zipped in a folder. */
export function facebookLegacyEntries(): ZipEntrySpec[] {
  const root = 'facebook-zoemueller/';
  return [
    json(`${root}profile_information/profile_information.json`, { profile: { name: { full_name: FB_OWNER.fullName }, profile_uri: FB_OWNER.link } }),
    json(`${root}posts/your_posts_1.json`, [
      { timestamp: 1_500_000_000, data: [{ post: 'Grüße aus München' }], attachments: [{ data: [{ media: { uri: 'photos_and_videos/Mobile_Uploads/555.jpg', creation_timestamp: 1_500_000_000 } }] }] },
    ]),
    file(`${root}photos_and_videos/Mobile_Uploads/555.jpg`),
    json(`${root}comments/comments.json`, { comments: [{ timestamp: 1_500_000_100, data: [{ comment: { timestamp: 1_500_000_100, comment: 'Très bien', author: FB_OWNER.fullName } }] }] }),
    ...threadFiles(`${root}messages/inbox`),
  ];
}

export const IG_USER = 'zoe.mueller';

/** An Instagram DYI in the 2024 layout. */
export function instagramEntries(): ZipEntrySpec[] {
  const activity = 'your_instagram_activity';
  return [
    json('personal_information/personal_information/personal_information.json', {
      profile_user: [{ string_map_data: { Username: { value: IG_USER }, Name: { value: 'Zoë Müller' }, Bio: { value: 'Kaffee & Café' } } }],
    }),
    json(`${activity}/content/posts_1.json`, [
      { media: [{ uri: 'media/posts/202311/17900000000000001.jpg', creation_timestamp: 1_700_000_000, title: 'Frühstück 🥐' }] },
      {
        title: 'Two photos',
        creation_timestamp: 1_700_100_000,
        media: [
          { uri: 'media/posts/202311/17900000000000002.jpg', creation_timestamp: 1_700_100_000, title: '' },
          { uri: 'media/posts/202311/17900000000000003.mp4', creation_timestamp: 1_700_100_000, title: '' },
        ],
      },
    ]),
    file('media/posts/202311/17900000000000001.jpg'),
    file('media/posts/202311/17900000000000002.jpg'),
    file('media/posts/202311/17900000000000003.mp4'),
    json(`${activity}/content/stories.json`, { ig_stories: [{ uri: 'media/stories/202311/17900000000000010.jpg', creation_timestamp: 1_700_200_000, title: 'Größer' }] }),
    file('media/stories/202311/17900000000000010.jpg'),
    json(`${activity}/content/reels.json`, { ig_reels_media: [{ media: [{ uri: 'media/reels/202311/17900000000000020.mp4', creation_timestamp: 1_700_300_000, title: 'Tanz' }] }] }),
    file('media/reels/202311/17900000000000020.mp4'),
    json(`${activity}/comments/post_comments_1.json`, [{ string_map_data: { Comment: { value: 'Wunderschön 😍' }, 'Media Owner': { value: 'ann' }, Time: { timestamp: 1_700_000_900 } } }]),
    ...threadFiles(`${activity}/messages/inbox`),
    json('connections/followers_and_following/followers_1.json', [{ title: '', media_list_data: [], string_list_data: [{ href: 'https://www.instagram.com/ann', value: 'ann', timestamp: 1_600_000_000 }] }]),
    json('connections/followers_and_following/following.json', { relationships_following: [{ title: 'bob', string_list_data: [{ href: 'https://www.instagram.com/_u/bob', timestamp: 1_650_000_000 }] }] }),
    json(`${activity}/likes/liked_posts.json`, { likes_media_likes: [] }),
  ];
}

export const bulkPostText = (n: number): string => `Beitrag ${n} aus Köln`;
export const bulkMessageText = (n: number): string => `Nachricht ${n} im Café ☕`;

/** The name of a 2024-layout posts file, numbered from 1 as Meta does. */
export const facebookPostsFile = (number: number): string => `your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_${number}.json`;
/** The name of the thread's `message_N.json`: Meta numbers them from the newest. */
export const facebookMessageFile = (number: number): string => `your_facebook_activity/messages/inbox/${FB_THREAD}/message_${number}.json`;

/**
 * A big Facebook DYI in the 2024 layout: posts 1…N over `postFiles` files (that many posts in each), and
 * one Messenger thread of messages 1…M (oldest first) over `messageFiles` files given oldest first, so
 * the first count goes to the highest `message_N.json`; each file lists its messages newest first.
 */
export function facebookBulkEntries(options: { postFiles: number[]; messageFiles: number[] }): ZipEntrySpec[] {
  const entries: ZipEntrySpec[] = [json('personal_information/profile_information/profile_information.json', { profile_v2: { name: { full_name: FB_OWNER.fullName }, profile_uri: FB_OWNER.link } })];
  let post = 0;
  options.postFiles.forEach((count, index) => {
    const posts = Array.from({ length: count }, () => {
      post += 1;
      return { timestamp: 1_600_000_000 + post, data: [{ post: bulkPostText(post) }] };
    });
    entries.push(json(facebookPostsFile(index + 1), posts));
  });
  const participants = [{ name: 'Ann Smith' }, { name: FB_OWNER.fullName }];
  let message = 0;
  options.messageFiles.forEach((count, index) => {
    const messages = Array.from({ length: count }, () => {
      message += 1;
      return { sender_name: message % 2 ? 'Ann Smith' : FB_OWNER.fullName, timestamp_ms: 1_700_000_000_000 + message * 1000, content: bulkMessageText(message), type: 'Generic' };
    });
    entries.push(json(facebookMessageFile(options.messageFiles.length - index), { participants, title: 'Ann Smith', messages: messages.reverse() }));
  });
  return entries;
}
