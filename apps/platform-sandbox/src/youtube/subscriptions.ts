import { errors } from '../google/api-error';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { youtubeOf } from './youtube-account';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts } from './common';
import { LIST_PAGE, pagedListResponse, parsePageRequest } from './paging';
import { subscriptionResource } from './resources';
import { makeView, ok } from './view';

export const SUBSCRIPTIONS_LIST: YouTubeMethod = {
  name: 'youtube.subscriptions.list',
  rpc: 'youtube.api.v3.V3DataSubscriptionService.List',
  cost: 1,
  parts: ['contentDetails', 'id', 'snippet', 'subscriberSnippet'],
};

export function listSubscriptions(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, SUBSCRIPTIONS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, SUBSCRIPTIONS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['mine', 'channelId'], ['channelId', 'id', 'mine', 'myRecentSubscribers', 'mySubscribers']);
  if (isReply(filter)) return filter;
  const page = parsePageRequest(q, LIST_PAGE);
  if (isReply(page)) return page;
  const order = q.get('order') ?? 'relevance';
  if (order !== 'relevance' && order !== 'unread') {
    return order === 'alphabetical'
      ? errors.unexpectedParameter('order', 'The Star Export sandbox does not implement order=alphabetical.')
      : errors.invalidValue('order', order);
  }
  const unsupported = q.get('forChannelId');
  if (unsupported !== null) return errors.unexpectedParameter('forChannelId', 'The Star Export sandbox does not implement the forChannelId parameter.');

  let owner: Account | undefined = account;
  if (filter === 'channelId') {
    const channel = call.state.universe.channelById(q.get('channelId') ?? '');
    owner = channel ? call.state.universe.accountForTag(channel.tag) : undefined;
    // Phantom channels keep their subscriptions private.
    if (!owner) return errors.subscriptionForbidden();
  }
  const youtube = youtubeOf(owner);
  const total = youtube.channel ? youtube.subscriptions : 0;
  const view = makeView(call, account, parts);
  const subscriber = owner;
  const entry = (j: number) => subscriptionResource(view, subscriber, j);
  return ok(call, pagedListResponse('youtube#subscriptionListResponse', page, total, entry, `subs:${owner.key}`));
}
