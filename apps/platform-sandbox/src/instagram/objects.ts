import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { shortcode, type CommentModel, type InstagramAccount, type MediaModel } from './instagram-account';

export const IG_MEDIA_PREFIX = '/cdninstagram/';

/** Renditions the CDN serves, largest first as the site lists them; scaled down to keep tests quick. */
const IMAGE_SIZES: [number, number][] = [[216, 270], [144, 180], [64, 80]];
const VIDEO_SIZES: [number, number][] = [[180, 320], [90, 160]];

const imageUrl = (call: Call, pk: string, [w, h]: [number, number]): string =>
  `${call.state.baseUrl}${IG_MEDIA_PREFIX}v/t51.2885-15/${pk}_${w}x${h}.jpg?stp=dst-jpg_e35&_nc_ht=scontent.cdninstagram.com&oh=00_sandbox`;
const videoUrl = (call: Call, pk: string, [w, h]: [number, number]): string =>
  `${call.state.baseUrl}${IG_MEDIA_PREFIX}o1/v/t16/${pk}_${w}x${h}.mp4?_nc_ht=scontent.cdninstagram.com&oh=00_sandbox`;

const MEDIA_TYPE = { image: 1, video: 2, carousel: 8 } as const;

export function userSummary(pk: string, username: string, fullName = ''): Record<string, unknown> {
  return { pk, pk_id: pk, id: pk, username, full_name: fullName, is_private: false, is_verified: false, profile_pic_url: '' };
}

/** A media object as the web API returns it: the renditions of its image (and video), its children, its counts. */
export function mediaObject(call: Call, media: MediaModel, productType?: string): Record<string, unknown> {
  const versions = media.kind === 'carousel' ? media.children[0] : media;
  const object: Record<string, unknown> = {
    pk: media.pk,
    id: `${media.pk}_${media.ownerPk}`,
    code: shortcode(media.pk),
    taken_at: Math.floor(media.takenMs / 1000),
    media_type: MEDIA_TYPE[media.kind],
    product_type: productType ?? (media.kind === 'carousel' ? 'carousel_container' : media.reel ? 'clips' : 'feed'),
    user: userSummary(media.ownerPk, media.ownerName),
    caption: media.caption ? { pk: `${media.pk}9`, text: media.caption, created_at: Math.floor(media.takenMs / 1000) } : null,
    like_count: media.likeCount,
    comment_count: media.commentCount,
    location: media.location ? { pk: media.location.pk, name: media.location.name, lat: media.location.lat, lng: media.location.lng } : null,
    usertags: { in: media.tagged.map((username, i) => ({ user: userSummary(String(80_000_000_000 + i), username), position: [0.3 + i / 10, 0.5] })) },
    original_width: IMAGE_SIZES[0][0],
    original_height: IMAGE_SIZES[0][1],
    image_versions2: { candidates: IMAGE_SIZES.map((size) => ({ width: size[0], height: size[1], url: imageUrl(call, versions.pk, size) })) },
  };
  if (media.kind === 'video') {
    object.video_versions = VIDEO_SIZES.map((size, i) => ({ type: 101 + i, width: size[0], height: size[1], url: videoUrl(call, media.pk, size), id: `${media.pk}${i}` }));
    object.video_duration = 7.5;
    object.has_audio = true;
  }
  if (media.kind === 'carousel') {
    object.carousel_media_count = media.children.length;
    object.carousel_media = media.children.map((child) => ({ ...mediaObject(call, child), carousel_parent_id: object.id }));
  }
  return object;
}

export function storyObject(call: Call, media: MediaModel, expiresMs: number): Record<string, unknown> {
  return { ...mediaObject(call, media, 'story'), expiring_at: Math.floor(expiresMs / 1000), caption: null };
}

export function commentObject(comment: CommentModel, mediaPk: string, parentPk?: string): Record<string, unknown> {
  return {
    pk: comment.pk,
    text: comment.text,
    created_at: Math.floor(comment.createdMs / 1000),
    created_at_utc: Math.floor(comment.createdMs / 1000),
    user: userSummary(comment.authorPk, comment.authorName),
    user_id: comment.authorPk,
    media_id: mediaPk,
    comment_like_count: comment.replies.length,
    child_comment_count: comment.replies.length,
    ...(parentPk ? { parent_comment_id: parentPk } : {}),
    type: 0,
    status: 'Active',
  };
}

/** `users/<pk>/info/`: the profile with its counts and the HD avatar. */
export function userObject(call: Call, account: Account, ig: InstagramAccount): Record<string, unknown> {
  return {
    ...userSummary(ig.userPk, ig.username, account.name),
    biography: `Photos by ${account.name}`,
    external_url: `https://example.com/${ig.username}`,
    follower_count: 321,
    following_count: 123,
    media_count: ig.posts,
    profile_pic_url: `${call.state.baseUrl}${IG_MEDIA_PREFIX}v/t51.2885-19/${ig.userPk}_150x150.jpg?_nc_ht=scontent.cdninstagram.com`,
    hd_profile_pic_url_info: { url: `${call.state.baseUrl}${IG_MEDIA_PREFIX}v/t51.2885-19/${ig.userPk}_320x320.jpg?_nc_ht=scontent.cdninstagram.com`, width: 320, height: 320 },
    category: null,
    is_business: false,
  };
}
