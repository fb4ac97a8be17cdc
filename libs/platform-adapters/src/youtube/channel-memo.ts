import { createHash } from 'node:crypto';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 256;

/**
 * The account's channel (`channels.list mine=true`), remembered for a few minutes per connection and
 * grant, so one export asks for it once: the connect check, `profile`, `videos` (the uploads
 * playlist id) and `comments` (the channel id) each need it, and each ask costs a unit. Keyed by the
 * connection and the hash of its grant's token (the refresh token, else the access token), so a token
 * refresh keeps the entry while a reconnect to another Google account, which brings another grant,
 * never sees the old channel. Concurrent asks share one request; failures are not remembered.
 */
export class ChannelMemo<T> {
  private readonly entries = new Map<string, { expiresAt: number; value: Promise<T> }>();

  get(connectionId: string, grantToken: string, load: () => Promise<T>): Promise<T> {
    const key = this.key(connectionId, grantToken);
    const found = this.entries.get(key);
    if (found && found.expiresAt > Date.now()) return found.value;
    return this.remember(key, load());
  }

  private remember(key: string, value: Promise<T>): Promise<T> {
    this.entries.delete(key);
    for (const [stale, entry] of this.entries) {
      if (this.entries.size < MAX_ENTRIES && entry.expiresAt > Date.now()) break;
      this.entries.delete(stale);
    }
    const entry = { expiresAt: Date.now() + TTL_MS, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  private key(connectionId: string, grantToken: string): string {
    return `${connectionId}\u0000${createHash('sha256').update(grantToken).digest('base64url')}`;
  }
}
