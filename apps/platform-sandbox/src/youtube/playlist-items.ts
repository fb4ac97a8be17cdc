import { errors } from '../google/api-error';
import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { youtubeOf } from './youtube-account';
import type { SyntheticChannel } from '../synthetic/channel';
import { decodePlaylistItemId, decodeVideoId } from '../synthetic/ids';
import type { PlaylistRef } from '../synthetic/universe';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts, refuseUnsupported } from './common';
import { LIST_PAGE, listResponse, pagedListResponse, parsePageRequest } from './paging';
import { View, addedToPlaylistMs, ownsChannel, playlistEntry, playlistItemResource, videoVisible } from './resources';
import { idList, makeView, ok } from './view';

export const PLAYLIST_ITEMS_LIST: YouTubeMethod = {
  name: 'youtube.playlistItems.list',
  rpc: 'youtube.api.v3.V3DataPlaylistItemService.List',
  cost: 1,
  parts: ['contentDetails', 'id', 'snippet', 'status'],
};

/** Playlist index used for the likes list in hashes (user playlists use 0..n-1). */
const LIKES = 0xffff;

interface Resolved {
  id: string;
  owner: SyntheticChannel;
  total: number;
  item(view: View, position: number): Record<string, unknown> | null;
}

function resolve(ref: PlaylistRef, requestedId: string, viewer: Account): Resolved | Reply {
  if (ref.kind === 'uploads') {
    const channel = ref.channel;
    return {
      id: requestedId,
      owner: channel,
      total: channel.uploadsListed,
      item: (view, position) => {
        const facts = channel.videoFacts(position);
        const entry = { ref: { channel, index: position }, facts, visible: videoVisible(view, channel, facts) };
        return playlistItemResource(view, { playlistId: requestedId, owner: channel, position, addedMs: facts.publishedMs, entry, uploads: true });
      },
    };
  }
  const account = ref.account;
  const owner = youtubeOf(account).channel as SyntheticChannel;
  if (ref.kind === 'likes') {
    // The likes list is private to its owner.
    if (account.key !== viewer.key) return errors.playlistItemsNotAccessible();
    return {
      id: requestedId,
      owner,
      total: youtubeOf(account).likes,
      item: (view, position) => {
        const entry = playlistEntry(view, account, 'likes', LIKES, position);
        if (!entry) return null;
        const addedMs = addedToPlaylistMs(account, LIKES, position, entry.facts.publishedMs);
        return playlistItemResource(view, { playlistId: requestedId, owner, position, addedMs, entry, uploads: false });
      },
    };
  }
  const model = youtubeOf(account).playlists[ref.index];
  if (model.privacy === 'private' && account.key !== viewer.key) return errors.playlistNotFound();
  return {
    id: requestedId,
    owner,
    total: model.size,
    item: (view, position) => {
      const entry = playlistEntry(view, account, 'custom', ref.index, position);
      if (!entry) return null;
      const addedMs = Math.max(model.publishedMs, addedToPlaylistMs(account, ref.index, position, entry.facts.publishedMs));
      return playlistItemResource(view, { playlistId: requestedId, owner, position, addedMs, entry, uploads: false });
    },
  };
}

const KIND = 'youtube#playlistItemListResponse';

export function listPlaylistItems(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, PLAYLIST_ITEMS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, PLAYLIST_ITEMS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['playlistId', 'id'], ['id', 'playlistId']);
  if (isReply(filter)) return filter;
  const unsupported = refuseUnsupported(q, ['videoId', 'onBehalfOfContentOwner']);
  if (unsupported) return unsupported;
  const page = parsePageRequest(q, LIST_PAGE);
  if (isReply(page)) return page;
  const view = makeView(call, account, parts);

  if (filter === 'id') {
    const ids = idList(q.get('id') ?? '');
    if (isReply(ids)) return ids;
    const items: unknown[] = [];
    for (const id of ids) {
      const decoded = decodePlaylistItemId(id);
      const ref = decoded ? call.state.universe.playlist(decoded.playlist, account) : null;
      if (!decoded || !ref) continue;
      const resolved = resolve(ref, decoded.playlist, account);
      if (isReply(resolved)) continue;
      const position = decoded.position ?? (decoded.video ? decodeVideoId(decoded.video)?.index : undefined);
      if (position === undefined || position >= resolved.total) continue;
      const item = resolved.item(view, position);
      if (item && item.id === id) items.push(item);
    }
    return ok(call, listResponse(KIND, items, null, page.size, `items:${ids.join(',')}`));
  }

  const playlistId = q.get('playlistId') ?? '';
  const ref = call.state.universe.playlist(playlistId, account);
  if (!ref) return errors.playlistNotFound();
  const resolved = resolve(ref, playlistId, account);
  if (isReply(resolved)) return resolved;
  const seed = `items:${playlistId}:${ownsChannel(view, resolved.owner)}`;
  return ok(call, pagedListResponse(KIND, page, resolved.total, (position) => resolved.item(view, position), seed));
}
