import type { Handler, Route } from '../server/call';
import { CHANNELS_LIST, listChannels } from './channels';
import { COMMENT_THREADS_LIST, listCommentThreads } from './comment-threads';
import { COMMENTS_LIST, listComments } from './comments';
import type { YouTubeMethod } from './common';
import { COMMENT_PAGE, LIST_PAGE, type PageSizes } from './paging';
import { PLAYLIST_ITEMS_LIST, listPlaylistItems } from './playlist-items';
import { PLAYLISTS_LIST, listPlaylists } from './playlists';
import { SUBSCRIPTIONS_LIST, listSubscriptions } from './subscriptions';
import { VIDEOS_LIST, listVideos } from './videos';

export const YOUTUBE_PREFIX = '/youtube/v3';

/** Fault rules count pages in the method's default maxResults, so a route carries the handler's. */
const route = (method: YouTubeMethod, resource: string, handler: Handler, page: PageSizes): Route => ({
  methods: ['GET'],
  path: `${YOUTUBE_PREFIX}/${resource}`,
  api: method.name,
  surface: 'youtube',
  handler,
  defaultPageSize: page.fallback,
});

/** The Data API methods the sandbox serves, all read-only list calls costing 1 unit. */
export const YOUTUBE_ROUTES: Route[] = [
  route(CHANNELS_LIST, 'channels', listChannels, LIST_PAGE),
  route(VIDEOS_LIST, 'videos', listVideos, LIST_PAGE),
  route(PLAYLISTS_LIST, 'playlists', listPlaylists, LIST_PAGE),
  route(PLAYLIST_ITEMS_LIST, 'playlistItems', listPlaylistItems, LIST_PAGE),
  route(COMMENT_THREADS_LIST, 'commentThreads', listCommentThreads, COMMENT_PAGE),
  route(COMMENTS_LIST, 'comments', listComments, COMMENT_PAGE),
  route(SUBSCRIPTIONS_LIST, 'subscriptions', listSubscriptions, LIST_PAGE),
];

export const YOUTUBE_UNIT_COSTS: Record<string, number> = Object.fromEntries(
  [CHANNELS_LIST, VIDEOS_LIST, PLAYLISTS_LIST, PLAYLIST_ITEMS_LIST, COMMENT_THREADS_LIST, COMMENTS_LIST, SUBSCRIPTIONS_LIST].map((m) => [m.name, m.cost]),
);
