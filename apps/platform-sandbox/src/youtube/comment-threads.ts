import { errors } from '../google/api-error';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts, refuseUnsupported } from './common';
import { COMMENT_PAGE, listResponse, pagedListResponse, parsePageRequest } from './paging';
import { commentThreadResource, videoVisible } from './resources';
import { idList, makeView, ok, parseTextFormat } from './view';

export const COMMENT_THREADS_LIST: YouTubeMethod = {
  name: 'youtube.commentThreads.list',
  rpc: 'youtube.api.v3.V3DataCommentThreadService.List',
  cost: 1,
  parts: ['id', 'replies', 'snippet'],
};

const KIND = 'youtube#commentThreadListResponse';

export function listCommentThreads(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, COMMENT_THREADS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, COMMENT_THREADS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['allThreadsRelatedToChannelId', 'videoId', 'id'], ['allThreadsRelatedToChannelId', 'channelId', 'id', 'videoId']);
  if (isReply(filter)) return filter;
  const unsupported = refuseUnsupported(q, ['searchTerms']);
  if (unsupported) return unsupported;
  const moderation = q.get('moderationStatus');
  if (moderation !== null && moderation !== 'published') {
    return errors.unexpectedParameter('moderationStatus', 'The Star Export sandbox only serves published comments.');
  }
  const order = q.get('order') ?? 'time';
  // relevance is accepted and served in time order: the sandbox has no relevance signal.
  if (order !== 'time' && order !== 'relevance') return errors.invalidValue('order', order);
  const textFormat = parseTextFormat(q);
  if (isReply(textFormat)) return textFormat;
  const page = parsePageRequest(q, COMMENT_PAGE);
  if (isReply(page)) return page;
  const view = makeView(call, account, parts, textFormat);
  const universe = call.state.universe;

  if (filter === 'id') {
    const ids = idList(q.get('id') ?? '');
    if (isReply(ids)) return ids;
    const items = ids
      .map((id) => universe.thread(id))
      .filter((t) => t !== null)
      .map((t) => commentThreadResource(view, t.channel, t.thread));
    return ok(call, listResponse(KIND, items, null, page.size, `threads:${ids.join(',')}`));
  }

  if (filter === 'allThreadsRelatedToChannelId') {
    const channel = universe.channelById(q.get('allThreadsRelatedToChannelId') ?? '');
    if (!channel) return errors.channelNotFound();
    const total = channel.threadsTotal();
    return ok(call, pagedListResponse(KIND, page, total, (t) => commentThreadResource(view, channel, t), `threads:${channel.id}`));
  }

  const ref = universe.video(q.get('videoId') ?? '');
  const facts = ref?.channel.videoFacts(ref.index);
  if (!ref || !facts || !videoVisible(view, ref.channel, facts)) return errors.videoNotFound();
  if (facts.commentsDisabled) return errors.commentsDisabled();
  const first = ref.channel.firstThreadOf(ref.index);
  const total = ref.channel.threadCount(ref.index);
  return ok(call, pagedListResponse(KIND, page, total, (k) => commentThreadResource(view, ref.channel, first + k), `threads:${facts.id}`));
}
