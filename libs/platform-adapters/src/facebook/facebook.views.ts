import type { CollectionViews } from '../adapter/collection-view';

/** Fields of the Facebook records (facebook-records.ts) the offline viewer shows on each card. */
export const FACEBOOK_VIEWS: CollectionViews = {
  profile: { title: 'name', link: 'link' },
  posts: { title: 'story', date: 'createdTime', text: 'message', link: 'permalinkUrl' },
  photos: { title: 'name', date: 'createdTime', text: 'albumName', link: 'link' },
  'tagged-photos': { title: 'name', date: 'createdTime', author: 'from', link: 'link' },
  albums: { title: 'name', date: 'createdTime', text: 'description', link: 'link' },
  videos: { title: 'title', date: 'createdTime', text: 'description', link: 'permalinkUrl' },
  likes: { title: 'name', date: 'createdTime' },
  friends: { title: 'name' },
};
