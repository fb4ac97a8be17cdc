import type { Reply } from '../http/reply';
import type { Call, Handler, Route } from '../server/call';
import type { FbAlbum, FbNamed, FbPhoto, FbPost, FbVideo, FacebookAccount } from './facebook-account';
import { authorizeGraph, graphReply, isoTime, isReply, selectFields, withUsage, type GraphCall } from './graph';
import { graphErrors } from './graph-error';
import { photoSource, videoSource } from './media';
import { cursorPage, timePage } from './paging';

const PHOTO_SIZES: readonly [number, number][] = [
  [720, 540],
  [320, 240],
  [130, 98],
];

function photoObject(call: Call, facebook: FacebookAccount, photo: FbPhoto): Record<string, unknown> {
  const album = photo.albumIndex === null ? null : facebook.albums[photo.albumIndex];
  return {
    id: photo.id,
    name: photo.name,
    created_time: isoTime(photo.createdSec),
    images: PHOTO_SIZES.map(([width, height]) => ({ height, width, source: photoSource(call, photo.id, width, height) })),
    album: album ? { id: album.id, name: album.name, created_time: isoTime(album.createdSec) } : null,
    link: `https://www.facebook.com/photo.php?fbid=${photo.id}`,
    place: photo.place,
    from: { id: photo.fromId, name: photo.fromId === facebook.userId ? facebook.account.name : 'A friend' },
  };
}

function videoObject(call: Call, video: FbVideo): Record<string, unknown> {
  return {
    id: video.id,
    title: video.title,
    description: video.description,
    created_time: isoTime(video.createdSec),
    length: video.lengthSec,
    permalink_url: `/reel/${video.id}/`,
    source: videoSource(call, video.id),
    picture: photoSource(call, video.id, 130, 98),
  };
}

function albumObject(album: FbAlbum): Record<string, unknown> {
  return {
    id: album.id,
    name: album.name,
    description: album.description,
    count: album.photos.length,
    created_time: isoTime(album.createdSec),
    link: `https://www.facebook.com/album.php?fbid=${album.id}`,
  };
}

function attachmentOfPhoto(call: Call, facebook: FacebookAccount, id: string): Record<string, unknown> {
  const photo = facebook.photo(id) as FbPhoto;
  const [width, height] = PHOTO_SIZES[0];
  return {
    media_type: 'photo',
    type: 'photo',
    url: `https://www.facebook.com/photo.php?fbid=${id}`,
    media: { image: { height, width, src: photoSource(call, id, width, height) } },
    target: { id, url: `https://www.facebook.com/photo.php?fbid=${id}` },
    ...(photo.name ? { description: photo.name } : {}),
  };
}

function postObject(call: Call, facebook: FacebookAccount, post: FbPost): Record<string, unknown> {
  const objectId = post.id.split('_')[1];
  const attachments: Record<string, unknown>[] = [];
  if (post.photoIds.length === 1) attachments.push(attachmentOfPhoto(call, facebook, post.photoIds[0]));
  if (post.photoIds.length > 1) {
    const first = attachmentOfPhoto(call, facebook, post.photoIds[0]);
    attachments.push({
      media_type: 'album',
      type: 'album',
      title: `${post.photoIds.length} photos`,
      url: `https://www.facebook.com/${facebook.userId}/posts/${objectId}`,
      media: first.media,
      target: { id: objectId, url: `https://www.facebook.com/${facebook.userId}/posts/${objectId}` },
      subattachments: { data: post.photoIds.map((id) => attachmentOfPhoto(call, facebook, id)) },
    });
  }
  if (post.videoId) {
    const video = facebook.video(post.videoId) as FbVideo;
    attachments.push({
      media_type: 'video',
      type: 'video_inline',
      url: `https://www.facebook.com/reel/${video.id}/`,
      title: video.title ?? undefined,
      media: { image: { height: 98, width: 130, src: photoSource(call, video.id, 130, 98) }, source: videoSource(call, video.id) },
      target: { id: video.id, url: `https://www.facebook.com/reel/${video.id}/` },
    });
  }
  if (post.link) {
    attachments.push({ media_type: 'link', type: 'share', url: post.link.url, title: post.link.title, description: post.link.description, target: { url: post.link.url } });
  }
  return {
    id: post.id,
    message: post.message,
    story: post.story,
    created_time: isoTime(post.createdSec),
    updated_time: isoTime(post.createdSec + 60),
    permalink_url: `https://www.facebook.com/${facebook.userId}/posts/${objectId}`,
    status_type: post.statusType,
    full_picture: attachments[0] && (attachments[0].media as { image?: { src: string } } | undefined)?.image?.src,
    place: post.place,
    attachments: attachments.length > 0 ? { data: attachments } : null,
  };
}

const namedObject = (item: FbNamed): Record<string, unknown> => ({ id: item.id, name: item.name, created_time: isoTime(item.createdSec) });

const POST_FIELDS = ['message', 'story', 'created_time', 'updated_time', 'permalink_url', 'status_type', 'full_picture', 'place', 'attachments'];
/** Post fields removed in Graph API v3.3. */
const POST_REMOVED = ['type', 'link', 'name', 'caption', 'description', 'object_id', 'source'];
const PHOTO_FIELDS = ['name', 'created_time', 'images', 'album', 'link', 'place', 'from'];
const VIDEO_FIELDS = ['title', 'description', 'created_time', 'length', 'permalink_url', 'source', 'picture'];
const ALBUM_FIELDS = ['name', 'description', 'count', 'created_time', 'link'];
const NAMED_FIELDS = ['name', 'created_time'];
const USER_FIELDS = ['name', 'email', 'first_name', 'last_name', 'picture', 'link'];

/** A Graph edge: authorised, permission checked, then rendered; field errors keep the usage headers. */
function edge(permission: string | null, render: (graph: GraphCall) => Record<string, unknown> | Reply): Handler {
  return (call) => {
    const graph = authorizeGraph(call);
    if (isReply(graph)) return graph;
    if (permission && !graph.scopes.includes(permission)) return withUsage(graph, graphErrors.permission(permission));
    const body = render(graph);
    return isReply(body) ? withUsage(graph, body) : graphReply(graph, body);
  };
}

/** Renders each item with the requested fields, failing the whole page on the first bad field. */
function fieldsOf(call: Call, node: string, known: readonly string[], removed: readonly string[] = []) {
  const raw = call.ctx.query.get('fields');
  let refusal: Reply | null = null;
  const pick = (object: Record<string, unknown>): unknown => {
    const selected = selectFields(object, raw, node, known, ['name', 'created_time'].filter((name) => known.includes(name)), removed);
    if (isReply(selected)) refusal ??= selected;
    return selected;
  };
  return { pick, refusal: (): Reply | null => refusal };
}

function page(call: Call, body: Record<string, unknown> | Reply, refusal: () => Reply | null): Record<string, unknown> | Reply {
  return refusal() ?? body;
}

const ME = /^\/v\d+\.\d+\/me/;
const path = (tail: string): RegExp => new RegExp(`${ME.source}${tail}$`);

function route(api: string, tail: RegExp, handler: Handler): Route {
  return { methods: ['GET'], path: tail, api: `facebook.${api}`, surface: 'facebook', handler };
}

function userObject(call: Call, graph: GraphCall): Record<string, unknown> {
  const { facebook, account, scopes } = graph;
  return {
    id: facebook.userId,
    name: account.name,
    first_name: account.givenName,
    last_name: account.familyName,
    email: scopes.includes('email') ? account.email : null,
    picture: { data: { height: 50, width: 50, is_silhouette: false, url: photoSource(call, facebook.userId, 50, 50) } },
    link: `https://www.facebook.com/app_scoped_user_id/${facebook.userId}/`,
  };
}

export const FACEBOOK_EDGE_ROUTES: Route[] = [
  route('me', path(''), edge(null, (graph) => selectFields(userObject(graph.call, graph), graph.call.ctx.query.get('fields'), 'User', USER_FIELDS, ['name']))),
  route('posts', path('/(?:posts|feed)'), edge('user_posts', ({ call, facebook }) => {
    const f = fieldsOf(call, 'Post', POST_FIELDS, POST_REMOVED);
    return page(call, timePage(call, facebook.posts, (post) => post.createdSec, (post) => f.pick(postObject(call, facebook, post))), f.refusal);
  })),
  route('photos', path('/photos'), edge('user_photos', ({ call, facebook }) => {
    const type = call.ctx.query.get('type') ?? 'tagged';
    if (type !== 'uploaded' && type !== 'tagged') return graphErrors.badParameter('type');
    const f = fieldsOf(call, 'Photo', PHOTO_FIELDS);
    const photos = type === 'uploaded' ? facebook.uploadedPhotos : facebook.taggedPhotos;
    return page(call, cursorPage(call, photos, (photo) => f.pick(photoObject(call, facebook, photo))), f.refusal);
  })),
  route('albums', path('/albums'), edge('user_photos', ({ call, facebook }) => {
    const f = fieldsOf(call, 'Album', ALBUM_FIELDS);
    return page(call, cursorPage(call, facebook.albums, (album) => f.pick(albumObject(album))), f.refusal);
  })),
  route('videos', path('/videos'), edge('user_videos', ({ call, facebook }) => {
    if ((call.ctx.query.get('type') ?? 'tagged') !== 'uploaded') return cursorPage(call, [], () => null);
    const f = fieldsOf(call, 'Video', VIDEO_FIELDS);
    return page(call, cursorPage(call, facebook.videos, (video) => f.pick(videoObject(call, video))), f.refusal);
  })),
  route('likes', path('/likes'), edge('user_likes', ({ call, facebook }) => {
    const f = fieldsOf(call, 'Page', NAMED_FIELDS);
    return page(call, cursorPage(call, facebook.likes, (like) => f.pick(namedObject(like))), f.refusal);
  })),
  route('friends', path('/friends'), edge('user_friends', ({ call, facebook }) => {
    const f = fieldsOf(call, 'User', NAMED_FIELDS);
    return page(call, cursorPage(call, facebook.friends, (friend) => f.pick({ id: friend.id, name: friend.name }), { summary: { total_count: facebook.friendCount } }), f.refusal);
  })),
  // An object by id: an album's photos, or a photo or video read again for fresh media links.
  route('album.photos', /^\/v\d+\.\d+\/(\d+)\/photos$/, edge('user_photos', ({ call, facebook }) => {
    const album = facebook.album(call.params[0]);
    if (!album) return graphErrors.unknownPath(call.params[0]);
    const f = fieldsOf(call, 'Photo', PHOTO_FIELDS);
    return page(call, cursorPage(call, album.photos, (photo) => f.pick(photoObject(call, facebook, photo))), f.refusal);
  })),
  route('object', /^\/v\d+\.\d+\/(\d+)$/, edge(null, (graph) => {
    const { call, facebook } = graph;
    const id = call.params[0];
    if (id === facebook.userId) return selectFields(userObject(call, graph), call.ctx.query.get('fields'), 'User', USER_FIELDS, ['name']);
    const photo = facebook.photo(id);
    if (photo) return selectFields(photoObject(call, facebook, photo), call.ctx.query.get('fields'), 'Photo', PHOTO_FIELDS, ['name', 'created_time']);
    const video = facebook.video(id);
    if (video) return selectFields(videoObject(call, video), call.ctx.query.get('fields'), 'Video', VIDEO_FIELDS, ['created_time']);
    return graphErrors.unknownPath(id);
  })),
];
