import { errors } from '../google/api-error';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import { decodeReplyId } from '../synthetic/ids';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts } from './common';
import { COMMENT_PAGE, listResponse, pagedListResponse, parsePageRequest } from './paging';
import { commentResource } from './resources';
import { idList, makeView, ok, parseTextFormat } from './view';

export const COMMENTS_LIST: YouTubeMethod = {
  name: 'youtube.comments.list',
  rpc: 'youtube.api.v3.V3DataCommentService.List',
  cost: 1,
  parts: ['id', 'snippet'],
};

const KIND = 'youtube#commentListResponse';

export function listComments(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, COMMENTS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, COMMENTS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['parentId', 'id'], ['id', 'parentId']);
  if (isReply(filter)) return filter;
  const textFormat = parseTextFormat(q);
  if (isReply(textFormat)) return textFormat;
  const page = parsePageRequest(q, COMMENT_PAGE);
  if (isReply(page)) return page;
  const view = makeView(call, account, parts, textFormat);
  const universe = call.state.universe;

  if (filter === 'id') {
    const ids = idList(q.get('id') ?? '');
    if (isReply(ids)) return ids;
    const items: unknown[] = [];
    for (const id of ids) {
      const top = universe.thread(id);
      if (top) {
        items.push(commentResource(view, top.channel, top.thread, -1));
        continue;
      }
      const reply = decodeReplyId(id);
      const parent = reply ? universe.thread(id.slice(0, 26)) : null;
      if (reply && parent && reply.reply < parent.channel.replyCount(parent.thread)) {
        items.push(commentResource(view, parent.channel, parent.thread, reply.reply));
      }
    }
    return ok(call, listResponse(KIND, items, null, page.size, `comments:${ids.join(',')}`));
  }

  const parent = universe.thread(q.get('parentId') ?? '');
  if (!parent) return errors.commentNotFound();
  const total = parent.channel.replyCount(parent.thread);
  const reply = (r: number) => commentResource(view, parent.channel, parent.thread, r);
  return ok(call, pagedListResponse(KIND, page, total, reply, `comments:${q.get('parentId')}`));
}
