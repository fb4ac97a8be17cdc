import type { CollectionViews } from '../adapter/collection-view';

/** Fields of the YouTube records (youtube-records.ts) the offline viewer shows on each card. */
export const YOUTUBE_VIEWS: CollectionViews = {
  profile: { title: 'title', date: 'publishedAt', text: 'description' },
  videos: { title: 'title', date: 'publishedAt', text: 'description', link: 'url' },
  playlists: { title: 'title', date: 'publishedAt', text: 'description' },
  'playlist-items': { title: 'title', date: 'addedAt', text: 'description' },
  // textDisplay is YouTube's HTML rendering; the viewer shows the plain textOriginal, escaped.
  comments: {
    author: 'authorDisplayName',
    date: 'publishedAt',
    text: 'textOriginal',
    replyTo: 'parentId',
    about: { field: 'videoId', collection: 'videos' },
  },
  subscriptions: { title: 'title', date: 'subscribedAt', text: 'description' },
  // Only a Google Takeout import has these (youtube/archive).
  'watch-history': { title: 'title', date: 'watchedAt', text: 'channelTitle', link: 'url' },
  'search-history': { title: 'query', date: 'searchedAt', link: 'url' },
};
