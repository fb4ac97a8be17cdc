import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { youtubeOf, type PlaylistModel } from './youtube-account';
import { decodePlaylistId } from '../synthetic/ids';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts } from './common';
import { LIST_PAGE, listResponse, pagedListResponse, parsePageRequest } from './paging';
import { playlistResource } from './resources';
import { idList, makeView, ok } from './view';

export const PLAYLISTS_LIST: YouTubeMethod = {
  name: 'youtube.playlists.list',
  rpc: 'youtube.api.v3.V3DataPlaylistService.List',
  cost: 1,
  parts: ['contentDetails', 'id', 'localizations', 'player', 'snippet', 'status'],
};

const KIND = 'youtube#playlistListResponse';

export function listPlaylists(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, PLAYLISTS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, PLAYLISTS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['mine', 'channelId', 'id'], ['channelId', 'id', 'mine']);
  if (isReply(filter)) return filter;
  const page = parsePageRequest(q, LIST_PAGE);
  if (isReply(page)) return page;
  const view = makeView(call, account, parts);

  if (filter === 'id') {
    const ids = idList(q.get('id') ?? '');
    if (isReply(ids)) return ids;
    const items: unknown[] = [];
    for (const id of ids) {
      const decoded = decodePlaylistId(id);
      const owner = decoded ? call.state.universe.accountForTag(decoded.tag) : undefined;
      const model = decoded && owner ? youtubeOf(owner).playlists[decoded.index] : undefined;
      if (owner && model && (model.privacy !== 'private' || owner.key === account.key)) items.push(playlistResource(view, owner, model));
    }
    return ok(call, listResponse(KIND, items, null, page.size, `playlists:${ids.join(',')}`));
  }

  let owner: Account | undefined;
  if (filter === 'mine') owner = account;
  else {
    const channel = call.state.universe.channelById(q.get('channelId') ?? '');
    owner = channel ? call.state.universe.accountForTag(channel.tag) : undefined;
  }
  // Other people see public and unlisted playlists only; phantom channels have none.
  const visible: PlaylistModel[] = (owner ? youtubeOf(owner).playlists : []).filter((p) => owner?.key === account.key || p.privacy !== 'private');
  const entry = (i: number) => (owner ? playlistResource(view, owner, visible[i]) : null);
  return ok(call, pagedListResponse(KIND, page, visible.length, entry, `playlists:${owner?.key ?? '-'}`));
}
