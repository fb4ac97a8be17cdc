import { decode64, decodePageToken, encode64, encodePageToken } from './codec';
import {
  channelId,
  decodeChannelId,
  decodePlaylistId,
  decodePlaylistItemId,
  decodeReplyId,
  decodeThreadId,
  decodeVideoId,
  playlistId,
  playlistItemId,
  replyId,
  threadId,
  videoId,
} from '../synthetic/ids';

describe('id codecs', () => {
  it('round-trips 64-bit words through 11 YouTube-style characters', () => {
    for (const word of [{ hi: 0, lo: 0 }, { hi: 0xffffffff, lo: 0xffffffff }, { hi: 0x12345678, lo: 0x9abcdef0 }]) {
      const text = encode64(word);
      expect(text).toMatch(/^[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]$/);
      expect(decode64(text)).toEqual(word);
    }
    expect(decode64('short')).toBeNull();
    expect(decode64('AAAAAAAAAAB')).toBeNull(); // last character carries only 4 bits
  });

  it('decodes video ids back to channel tag and index, and rejects others', () => {
    for (const [tag, index] of [
      [1, 0],
      [0x7fffff, 16_777_214],
      [0x800123, 999_999],
    ]) {
      const id = videoId(tag, index);
      expect(id).toHaveLength(11);
      expect(decodeVideoId(id)).toEqual({ tag, index });
    }
    expect(decodeVideoId('dQw4w9WgXcQ')).toBeNull();
  });

  it('decodes channel, playlist, thread, reply and playlist-item ids', () => {
    const channel = channelId(4242);
    expect(channel).toMatch(/^UC[A-Za-z0-9_-]{21}[AQgw]$/);
    expect(decodeChannelId(channel)).toBe(4242);
    const tampered = `${channel.slice(0, 20)}${channel[20] === 'x' ? 'y' : 'x'}${channel.slice(21)}`;
    expect(decodeChannelId(tampered)).toBeNull();

    const playlist = playlistId(4242, 7);
    expect(playlist).toMatch(/^PL[A-Za-z0-9_-]{32}$/);
    expect(decodePlaylistId(playlist)).toEqual({ tag: 4242, index: 7 });

    const thread = threadId(4242, 123_456);
    expect(thread).toMatch(/^Ug[wxyz][A-Za-z0-9_-]{16}4AaABAg$/);
    expect(decodeThreadId(thread)).toEqual({ tag: 4242, thread: 123_456 });

    const reply = replyId(4242, 123_456, 17);
    expect(reply.startsWith(`${thread}.`)).toBe(true);
    expect(decodeReplyId(reply)).toEqual({ tag: 4242, thread: 123_456, reply: 17 });

    const uploadsItem = playlistItemId('UUabc', 3, 'dQw4w9WgXcQ');
    expect(Buffer.from(uploadsItem, 'base64').toString()).toBe('UUabc.dQw4w9WgXcQ');
    expect(decodePlaylistItemId(uploadsItem)).toEqual({ playlist: 'UUabc', position: null, video: 'dQw4w9WgXcQ' });
    expect(decodePlaylistItemId(playlistItemId(playlist, 9))).toEqual({ playlist, position: 9, video: null });
  });

  it('writes page tokens like Google and rejects forged ones', () => {
    expect(encodePageToken(5, false)).toBe('CAUQAA');
    expect(encodePageToken(5, true)).toBe('CAUQAQ');
    for (const offset of [0, 1, 127, 128, 50_000, 16_777_215]) expect(decodePageToken(encodePageToken(offset, false))).toBe(offset);
    for (const forged of ['', 'CAUQAg', 'CAUQAA==', 'not-a-token', 'CAUQAAA', '$$$$']) expect(decodePageToken(forged)).toBeNull();
  });
});
