import { Account, AccountError, type PersonSpec } from './account';
import { googleSubOf } from '../google/identity';
import { youtubeOf } from '../youtube/youtube-account';
import { SyntheticChannel, phantomChannel } from './channel';
import { PHANTOM_BIT, decodeChannelId, decodePlaylistId, decodeThreadId, decodeVideoId } from './ids';
import { hash32 } from '../core/prng';

export type PlaylistRef =
  | { kind: 'uploads'; channel: SyntheticChannel }
  | { kind: 'likes'; account: Account }
  | { kind: 'custom'; account: Account; index: number };

export interface VideoRef {
  channel: SyntheticChannel;
  index: number;
}

const PHANTOM_CACHE_LIMIT = 4096;

/**
 * Every synthetic account and the phantom channels around them. Lookups go through decoded ids, so
 * nothing here grows with the number of videos.
 */
export class Universe {
  private readonly accounts = new Map<string, Account>();
  private readonly byTag = new Map<number, Account>();
  private readonly phantoms = new Map<number, SyntheticChannel>();

  /** `prepare`: each platform's check of a new account's part, so a bad spec is refused when added. */
  constructor(private readonly prepare: readonly ((account: Account) => void)[] = []) {}

  add(spec: PersonSpec): Account {
    const account = new Account(spec);
    for (const check of this.prepare) check(account);
    const clash = this.byTag.get(account.tag);
    if (clash && clash.key !== account.key) {
      throw new AccountError(`account "${clash.key}" already uses an equivalent seed; choose another seed`);
    }
    this.remove(account.key);
    this.accounts.set(account.key, account);
    this.byTag.set(account.tag, account);
    return account;
  }

  remove(key: string): boolean {
    const existing = this.accounts.get(key);
    if (!existing) return false;
    this.accounts.delete(key);
    this.byTag.delete(existing.tag);
    return true;
  }

  clear(): void {
    this.accounts.clear();
    this.byTag.clear();
    this.phantoms.clear();
  }

  list(): Account[] {
    return [...this.accounts.values()];
  }

  get(key: string): Account | undefined {
    return this.accounts.get(key);
  }

  /** login_hint may be the key, the email address or the Google account id. */
  find(hint: string): Account | undefined {
    const lower = hint.toLowerCase();
    return this.accounts.get(hint) ?? this.list().find((a) => a.email.toLowerCase() === lower || googleSubOf(a) === hint);
  }

  channelForTag(tag: number): SyntheticChannel | null {
    if (tag & PHANTOM_BIT) {
      let channel = this.phantoms.get(tag);
      if (!channel) {
        if (this.phantoms.size >= PHANTOM_CACHE_LIMIT) this.phantoms.clear();
        channel = phantomChannel(tag);
        this.phantoms.set(tag, channel);
      }
      return channel;
    }
    const owner = this.byTag.get(tag);
    return owner ? youtubeOf(owner).channel : null;
  }

  accountForTag(tag: number): Account | undefined {
    return this.byTag.get(tag);
  }

  channelById(id: string): SyntheticChannel | null {
    const tag = decodeChannelId(id);
    return tag === null ? null : this.channelForTag(tag);
  }

  channelByHandle(raw: string): SyntheticChannel | null {
    const handle = raw.replace(/^@/, '').toLowerCase();
    for (const account of this.accounts.values()) {
      const { channel } = youtubeOf(account);
      if (channel && channel.params.handle.toLowerCase() === handle) return channel;
    }
    const dash = handle.lastIndexOf('-');
    const tag = dash >= 0 ? parseInt(handle.slice(dash + 1), 36) : NaN;
    if (!Number.isInteger(tag) || !(tag & PHANTOM_BIT) || tag > 0xffffff) return null;
    const channel = this.channelForTag(tag);
    return channel && channel.params.handle.toLowerCase() === handle ? channel : null;
  }

  video(id: string): VideoRef | null {
    const decoded = decodeVideoId(id);
    if (!decoded) return null;
    const channel = this.channelForTag(decoded.tag);
    if (!channel || decoded.index >= channel.videoCount) return null;
    return { channel, index: decoded.index };
  }

  thread(id: string): { channel: SyntheticChannel; thread: number } | null {
    const decoded = decodeThreadId(id);
    if (!decoded) return null;
    const channel = this.channelForTag(decoded.tag);
    if (!channel || decoded.thread >= channel.threadsTotal()) return null;
    return { channel, thread: decoded.thread };
  }

  /** `mineChannel` resolves the bare "LL" likes alias of the authorised user. */
  playlist(id: string, viewer: Account | null): PlaylistRef | null {
    if (id === 'LL') return viewer && youtubeOf(viewer).channel ? { kind: 'likes', account: viewer } : null;
    if (id.startsWith('UU') || id.startsWith('LL')) {
      const channel = this.channelById(`UC${id.slice(2)}`);
      if (!channel) return null;
      if (id.startsWith('UU')) return { kind: 'uploads', channel };
      const account = this.accountForTag(channel.tag);
      return account ? { kind: 'likes', account } : null;
    }
    const decoded = decodePlaylistId(id);
    if (!decoded) return null;
    const account = this.accountForTag(decoded.tag);
    if (!account || decoded.index >= youtubeOf(account).playlists.length) return null;
    return { kind: 'custom', account, index: decoded.index };
  }
}

/**
 * Phantom channels related to an account (the channels it subscribes to, the uploaders of videos it
 * liked, the people who comment on its videos). A fixed odd stride keeps them distinct for j < 2^23.
 */
export function relatedPhantomTag(ownerTag: number, namespace: number, j: number): number {
  const base = hash32(ownerTag, namespace);
  return PHANTOM_BIT | ((base + j * 0x9e3779) & (PHANTOM_BIT - 1));
}
