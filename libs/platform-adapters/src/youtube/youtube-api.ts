import type { PlatformCallContext } from '../adapter/call-context';
import { AccountUnavailableError, CredentialsRejectedError } from '../errors';
import type { PlatformHttpClient, QueryValue } from '../http/platform-http-client';
import { asRecord } from '../json-shape';
import { ChannelMemo } from './channel-memo';
import { readListAnswer, type ListAnswer } from './youtube-lists';
import { YOUTUBE_DEFAULT_BUCKET, YOUTUBE_METHODS, type YouTubeMethod } from './youtube.descriptor';

/** Every part of the account's channel an export uses; channels.list costs 1 unit whatever the parts. */
export const CHANNEL_PARTS = 'snippet,contentDetails,statistics,brandingSettings';

export type Channel = Record<string, unknown>;

/** Data API list calls, each charged at its method's documented unit cost, and the account's channel. */
export class YouTubeApi {
  private readonly channels = new ChannelMemo<Channel>();

  constructor(private readonly client: PlatformHttpClient) {}

  /** A list call whose answer is checked: a malformed page is asked for once more, then MalformedResponseError. */
  list(ctx: PlatformCallContext, method: YouTubeMethod, query: Record<string, QueryValue>): Promise<ListAnswer> {
    return this.client.callJson(ctx, this.request(method, query), (body) => readListAnswer(method, body));
  }

  /**
   * The account's channel with CHANNEL_PARTS, remembered for a few minutes (ChannelMemo): the connect
   * check, the start's estimate, the worker's account check and the collections that start from the
   * channel share one channels.list. AccountUnavailableError when there is none.
   */
  async channel(ctx: PlatformCallContext): Promise<Channel> {
    const credentials = await this.client.currentCredentials(ctx);
    if (credentials.kind !== 'oauth') throw new CredentialsRejectedError('youtube', 'wrong_kind', 'YouTube needs OAuth tokens');
    // Remembered per grant: the refresh token outlives the access tokens it mints, so a refresh mid-export
    // (same grant, same channel) does not cost another channels.list.
    const grant = credentials.refreshToken ?? credentials.accessToken;
    return this.channels.get(ctx.connectionId, grant, async () => {
      const answer = await this.list(ctx, 'channels.list', { mine: true, part: CHANNEL_PARTS });
      const channel = asRecord(answer.items[0]);
      if (!channel) throw new AccountUnavailableError('youtube', 'no_channel', 'this Google account has no YouTube channel');
      return channel;
    });
  }

  private request(method: YouTubeMethod, query: Record<string, QueryValue>) {
    const { path, units } = YOUTUBE_METHODS[method];
    return { operation: method, url: path, query, cost: { units, bucket: YOUTUBE_DEFAULT_BUCKET } };
  }
}
