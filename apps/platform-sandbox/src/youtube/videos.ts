import type { Reply } from '../http/reply';
import type { Call } from '../server/call';
import type { VideoRef } from '../synthetic/universe';
import { YouTubeMethod, authorize, chooseFilter, isReply, parseParts, refuseUnsupported } from './common';
import { listResponse } from './paging';
import { videoResource, videoVisible } from './resources';
import { idList, makeView, ok } from './view';

export const VIDEOS_LIST: YouTubeMethod = {
  name: 'youtube.videos.list',
  rpc: 'youtube.api.v3.V3DataVideoService.List',
  cost: 1,
  parts: [
    'contentDetails',
    'fileDetails',
    'id',
    'liveStreamingDetails',
    'localizations',
    'paidProductPlacementDetails',
    'player',
    'processingDetails',
    'recordingDetails',
    'snippet',
    'statistics',
    'status',
    'suggestions',
    'topicDetails',
  ],
};

export function listVideos(call: Call): Reply {
  const q = call.ctx.query;
  const account = authorize(call, VIDEOS_LIST);
  if (isReply(account)) return account;
  const parts = parseParts(q, VIDEOS_LIST.parts);
  if (isReply(parts)) return parts;
  const filter = chooseFilter(q, ['id'], ['chart', 'id', 'myRating']);
  if (isReply(filter)) return filter;
  const unsupported = refuseUnsupported(q, ['onBehalfOfContentOwner']);
  if (unsupported) return unsupported;
  const ids = idList(q.get('id') ?? '');
  if (isReply(ids)) return ids;

  const view = makeView(call, account, parts);
  const items: unknown[] = [];
  for (const id of ids) {
    const ref: VideoRef | null = call.state.universe.video(id);
    // Unknown, deleted and other people's private videos are simply absent from the answer.
    if (!ref || !videoVisible(view, ref.channel, ref.channel.videoFacts(ref.index))) continue;
    items.push(videoResource(view, ref));
  }
  return ok(call, listResponse('youtube#videoListResponse', items, null, items.length, `videos:${ids.join(',')}`));
}
