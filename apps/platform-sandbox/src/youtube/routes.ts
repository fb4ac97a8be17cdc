import type { Route } from '../server/call';
import { CHANNELS_LIST, listChannels } from './channels';
import { COMMENT_THREADS_LIST, listCommentThreads } from './comment-threads';
import { COMMENTS_LIST, listComments } from './comments';
import { PLAYLIST_ITEMS_LIST, listPlaylistItems } from './playlist-items';
import { PLAYLISTS_LIST, listPlaylists } from './playlists';
import { SUBSCRIPTIONS_LIST, listSubscriptions } from './subscriptions';
import { VIDEOS_LIST, listVideos } from './videos';

export const YOUTUBE_PREFIX = '/youtube/v3';

/** The Data API methods the sandbox serves, all read-only list calls costing 1 unit. */
export const YOUTUBE_ROUTES: Route[] = [
  { methods: ['GET'], path: `${YOUTUBE_PREFIX}/channels`, api: CHANNELS_LIST.name, surface: 'youtube', handler: listChannels, defaultPageSize: 5 },
  { methods: ['GET'], path: `${YOUTUBE_PREFIX}/videos`, api: VIDEOS_LIST.name, surface: 'youtube', handler: listVideos, defaultPageSize: 5 },
  { methods: ['GET'], path: `${YOUTUBE_PREFIX}/playlists`, api: PLAYLISTS_LIST.name, surface: 'youtube', handler: listPlaylists, defaultPageSize: 5 },
  {
    methods: ['GET'],
    path: `${YOUTUBE_PREFIX}/playlistItems`,
    api: PLAYLIST_ITEMS_LIST.name,
    surface: 'youtube',
    handler: listPlaylistItems,
    defaultPageSize: 5,
  },
  {
    methods: ['GET'],
    path: `${YOUTUBE_PREFIX}/commentThreads`,
    api: COMMENT_THREADS_LIST.name,
    surface: 'youtube',
    handler: listCommentThreads,
    defaultPageSize: 20,
  },
  { methods: ['GET'], path: `${YOUTUBE_PREFIX}/comments`, api: COMMENTS_LIST.name, surface: 'youtube', handler: listComments, defaultPageSize: 20 },
  {
    methods: ['GET'],
    path: `${YOUTUBE_PREFIX}/subscriptions`,
    api: SUBSCRIPTIONS_LIST.name,
    surface: 'youtube',
    handler: listSubscriptions,
    defaultPageSize: 5,
  },
];

export const YOUTUBE_UNIT_COSTS: Record<string, number> = Object.fromEntries(
  [CHANNELS_LIST, VIDEOS_LIST, PLAYLISTS_LIST, PLAYLIST_ITEMS_LIST, COMMENT_THREADS_LIST, COMMENTS_LIST, SUBSCRIPTIONS_LIST].map((m) => [m.name, m.cost]),
);
