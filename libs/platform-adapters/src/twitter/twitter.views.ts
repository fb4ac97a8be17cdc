import type { CollectionViews } from '../adapter/collection-view';

/** Fields of the X records (twitter-records.ts) the offline viewer shows on each card. */
const POST = { title: 'kind', date: 'createdAt', text: 'text', link: 'url', replyTo: 'repliedToId' } as const;
const PERSON = { title: 'username', date: 'createdAt', text: 'description', link: 'url' } as const;

export const TWITTER_VIEWS: CollectionViews = {
  profile: PERSON,
  tweets: POST,
  likes: { ...POST, author: 'authorUsername' },
  bookmarks: { ...POST, author: 'authorUsername' },
  followers: PERSON,
  following: PERSON,
};
