import type { CollectionViews } from '../adapter/collection-view';

/** Fields of the Instagram records (instagram-records.ts) the offline viewer shows on each card. */
const MEDIA = { title: 'type', date: 'takenAt', text: 'caption', link: 'url' } as const;

export const INSTAGRAM_VIEWS: CollectionViews = {
  profile: { title: 'username', text: 'biography', link: 'url' },
  posts: MEDIA,
  reels: MEDIA,
  stories: MEDIA,
  highlights: { title: 'title', date: 'createdAt' },
  saved: { ...MEDIA, author: 'owner' },
  comments: { title: 'author', date: 'createdAt', author: 'author', text: 'text', link: 'postUrl', replyTo: 'parentId' },
};
