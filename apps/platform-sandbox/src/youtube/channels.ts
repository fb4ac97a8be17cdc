import type { Reply } from '../http/reply';
import { youtubeOf } from './youtube-account';
import type { Call } from '../server/call';
import { hashString } from '../core/prng';
import type { SyntheticChannel } from '../synthetic/channel';
import { etag } from '../synthetic/ids';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts } from './common';
import { LIST_PAGE, parseMaxResults } from './paging';
import { channelResource } from './resources';
import { idList, makeView, ok } from './view';

export const CHANNELS_LIST: YouTubeMethod = {
  name: 'youtube.channels.list',
  rpc: 'youtube.api.v3.V3DataChannelService.List',
  cost: 1,
  parts: ['auditDetails', 'brandingSettings', 'contentDetails', 'contentOwnerDetails', 'id', 'localizations', 'snippet', 'statistics', 'status', 'topicDetails'],
};

const FILTERS = ['categoryId', 'forHandle', 'forUsername', 'id', 'managedByMe', 'mine'];

export function listChannels(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, CHANNELS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, CHANNELS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['mine', 'id', 'forHandle'], FILTERS);
  if (isReply(filter)) return filter;
  const max = parseMaxResults(q, LIST_PAGE);
  if (isReply(max)) return max;

  let channels: SyntheticChannel[];
  if (filter === 'mine') {
    const { channel } = youtubeOf(account);
    channels = channel ? [channel] : [];
  } else if (filter === 'id') {
    const ids = idList(q.get('id') ?? '');
    if (isReply(ids)) return ids;
    channels = ids.map((id) => call.state.universe.channelById(id)).filter((c): c is SyntheticChannel => c !== null);
  } else {
    const channel = call.state.universe.channelByHandle(q.get('forHandle') ?? '');
    channels = channel ? [channel] : [];
  }
  const view = makeView(call, account, parts);
  const body: Record<string, unknown> = {
    kind: 'youtube#channelListResponse',
    etag: etag(hashString(`channels:${channels.map((c) => c.id).join(',')}`), parts.size),
    pageInfo: { totalResults: channels.length, resultsPerPage: max },
  };
  // The live API leaves "items" out entirely when nothing matched, which trips careless clients.
  if (channels.length > 0) body.items = channels.map((channel) => channelResource(view, channel));
  return ok(call, body);
}
