import { detectArchivePlatform } from './platform-detection';
import { fromMillis, fromSeconds, repairStrings, repairText, threadFiles } from './meta-archive';

describe('Meta archive text and order', () => {
  it('repairs UTF-8 that was read as Latin-1, and leaves text that is not mojibake alone', () => {
    expect(repairText('Caf\u00c3\u00a9')).toBe('Café');
    expect(repairText('\u00f0\u009f\u0098\u00a0')).toBe('😠');
    expect(repairText('Café')).toBe('Café'); // a lone é is not valid UTF-8: real Latin-1 text stays
    expect(repairText('Café 😀')).toBe('Café 😀'); // already repaired
    expect(repairText('plain')).toBe('plain');
    expect(repairStrings({ a: ['Gr\u00c3\u00bc\u00c3\u009fe'], n: 1 })).toEqual({ a: ['Grüße'], n: 1 });
  });

  it('turns unix seconds and milliseconds into ISO 8601 UTC', () => {
    expect(fromSeconds(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(fromMillis(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z');
    expect(fromSeconds(undefined)).toBeNull();
  });

  it("orders a thread's message files oldest first (Meta numbers them newest first)", () => {
    const names = ['m/inbox/b/message_1.json', 'm/inbox/a/message_1.json', 'm/inbox/a/message_10.json', 'm/inbox/a/message_2.json', 'm/inbox/a/photos/1.jpg'];
    expect(threadFiles(names, /message_\d+\.json$/)).toEqual(['m/inbox/a/message_10.json', 'm/inbox/a/message_2.json', 'm/inbox/a/message_1.json', 'm/inbox/b/message_1.json']);
  });
});

describe('Telling Facebook and Instagram archives apart', () => {
  it.each([
    ['Facebook 2024', ['your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json', 'personal_information/profile_information/profile_information.json'], 'facebook'],
    ['Facebook before 2024', ['posts/your_posts_1.json', 'messages/inbox/ann_1/message_1.json', 'profile_information/profile_information.json'], 'facebook'],
    ['Instagram 2024', ['personal_information/personal_information/personal_information.json', 'your_instagram_activity/messages/inbox/ann_1/message_1.json'], 'instagram'],
    ['Instagram 2022', ['personal_information/personal_information.json', 'content/posts_1.json', 'messages/inbox/ann_1/message_1.json'], 'instagram'],
    ['Instagram before 2022', ['account_information/personal_information.json', 'messages/inbox/ann_1/message_1.json', 'followers_and_following/followers.json'], 'instagram'],
  ])('%s', (_name, names, platform) => {
    expect(detectArchivePlatform(names)).toBe(platform);
  });
});
