import type { Reply } from '../http/reply';
import type { Call, Route } from '../server/call';
import { mediaIndex, type InstagramAccount } from './instagram-account';
import { commentObject, mediaObject, storyObject, userObject, userSummary } from './objects';
import { apiSession, igFail, igJson, IG_PREFIX, isReply, type Session } from './session';

const API = `${IG_PREFIX}/api/v1`;
/** Saved posts and comments come in pages smaller than the site's, so a small account still pages. */
const SAVED_PAGE = 4;
const COMMENTS_PAGE = 2;
const DAY = 86_400_000;

type Handler = (call: Call, session: Session) => Reply | Promise<Reply>;
const withSession = (handler: Handler) => async (call: Call): Promise<Reply> => {
  const session = apiSession(call);
  return isReply(session) ? session : handler(call, session);
};

const notFound = (call: Call): Reply => igFail(call, 404, 'Page not found');

/** `count` as the feed takes it: 1..33, default 12. */
function pageSize(call: Call, name: string, fallback: number, max: number): number {
  const raw = Number(call.ctx.query.get(name) ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, max) : fallback;
}

/** Where a `max_id` of this shelf resumes: after the post whose `<pk>_<owner>` id it is; null if it is not one. */
function after(ig: InstagramAccount, raw: string | null, shelf: 'post' | 'saved', size: number): number | null | 'bad' {
  if (!raw) return null;
  const index = mediaIndex(ig.account.tag, shelf, raw.split('_')[0], size);
  return index === null ? 'bad' : index + 1;
}

/** `GET feed/user/<pk>/`: the grid, newest first, `next_max_id` the last item's id while `more_available`. */
function userFeed(call: Call, session: Session): Reply {
  const { ig } = session;
  if (call.params[0] !== ig.userPk) return notFound(call);
  const start = after(ig, call.ctx.query.get('max_id'), 'post', ig.posts);
  if (start === 'bad') return igFail(call, 400, 'Invalid max_id');
  const from = start ?? 0;
  const size = pageSize(call, 'count', 12, 33);
  const items = [];
  for (let i = from; i < Math.min(ig.posts, from + size); i++) items.push(mediaObject(call, ig.post(i)));
  const more = from + size < ig.posts;
  const last = items[items.length - 1];
  return igJson(call, session, 200, {
    items,
    num_results: items.length,
    more_available: more,
    ...(more && last ? { next_max_id: last.id } : {}),
    user: userSummary(ig.userPk, ig.username, ig.account.name),
    auto_load_more_enabled: true,
    status: 'ok',
  });
}

/** `POST clips/user/`: the reels, `paging_info.max_id` an opaque cursor, only a POST with a valid CSRF token. */
async function clips(call: Call, session: Session): Promise<Reply> {
  const { ig } = session;
  const form = await call.ctx.form();
  if (form.get('target_user_id') !== ig.userPk) return igFail(call, 400, 'Invalid target_user_id');
  const size = Math.min(Math.max(Number(form.get('page_size')) || 12, 1), 50);
  const reels: number[] = [];
  for (let i = 0; i < ig.posts; i++) if (ig.post(i).reel) reels.push(i);
  const cursor = form.get('max_id');
  let from = 0;
  if (cursor) {
    const decoded = /^QVFE(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!decoded) return igFail(call, 400, 'Invalid max_id');
    from = Number(decoded[1]);
  }
  const page = reels.slice(from, from + size);
  const more = from + size < reels.length;
  return igJson(call, session, 200, {
    items: page.map((i) => ({ media: mediaObject(call, ig.post(i)) })),
    paging_info: { max_id: more ? Buffer.from(`QVFE${from + size}`).toString('base64url') : null, more_available: more },
    status: 'ok',
  });
}

/** `GET feed/saved/posts/`: what the viewer saved, each wrapped as `{ media }`. */
function savedFeed(call: Call, session: Session): Reply {
  const { ig } = session;
  const start = after(ig, call.ctx.query.get('max_id'), 'saved', ig.saved);
  if (start === 'bad') return igFail(call, 400, 'Invalid max_id');
  const from = start ?? 0;
  const items = [];
  for (let i = from; i < Math.min(ig.saved, from + SAVED_PAGE); i++) items.push({ media: mediaObject(call, ig.savedPost(i)) });
  const more = from + SAVED_PAGE < ig.saved;
  const last = items[items.length - 1]?.media;
  return igJson(call, session, 200, { items, num_results: items.length, more_available: more, ...(more && last ? { next_max_id: last.id } : {}), auto_load_more_enabled: true, status: 'ok' });
}

/** `GET users/<pk>/info/`. */
function userInfo(call: Call, session: Session): Reply {
  if (call.params[0] !== session.ig.userPk) return notFound(call);
  return igJson(call, session, 200, { user: userObject(call, session.account, session.ig), status: 'ok' });
}

/** `GET highlights/<pk>/highlights_tray/`: one entry per highlight, `highlight:<id>` as its reel id. */
function highlightsTray(call: Call, session: Session): Reply {
  const { ig } = session;
  if (call.params[0] !== ig.userPk) return notFound(call);
  const tray = [];
  for (let h = 0; h < ig.highlights; h++) {
    const cover = ig.highlightItem(h, 0);
    tray.push({
      id: `highlight:${ig.highlightId(h)}`,
      title: `Highlight ${h + 1}`,
      created_at: Math.floor(cover.takenMs / 1000),
      media_count: ig.highlightItems,
      cover_media: { cropped_image_version: { url: (mediaObject(call, cover).image_versions2 as { candidates: { url: string }[] }).candidates[2].url } },
      user: userSummary(ig.userPk, ig.username),
    });
  }
  return igJson(call, session, 200, { tray, show_empty_state: tray.length === 0, status: 'ok' });
}

/** `GET feed/reels_media/?reel_ids=…`: the live stories of a user pk, or a highlight's items (`highlight:<id>`). */
function reelsMedia(call: Call, session: Session): Reply {
  const { ig } = session;
  const reels: Record<string, unknown> = {};
  const now = call.state.now();
  for (const id of call.ctx.query.getAll('reel_ids')) {
    if (id === ig.userPk) {
      const items = [];
      for (let s = 0; s < ig.stories; s++) items.push(storyObject(call, ig.story(s), now + DAY));
      if (items.length > 0) reels[id] = { id, reel_type: 'user_reel', items, user: userSummary(ig.userPk, ig.username), expiring_at: Math.floor((now + DAY) / 1000), media_count: items.length };
      continue;
    }
    const h = Array.from({ length: ig.highlights }, (_, i) => i).find((i) => id === `highlight:${ig.highlightId(i)}`);
    if (h === undefined) continue;
    const items = [];
    for (let i = 0; i < ig.highlightItems; i++) items.push(storyObject(call, ig.highlightItem(h, i), now + 365 * DAY));
    reels[id] = { id, reel_type: 'highlight_reel', title: `Highlight ${h + 1}`, items, user: userSummary(ig.userPk, ig.username), media_count: items.length };
  }
  return igJson(call, session, 200, { reels, reels_media: Object.values(reels), status: 'ok' });
}

function ownPost(call: Call, ig: InstagramAccount): number | null {
  return mediaIndex(ig.account.tag, 'post', call.params[0], ig.posts);
}

/** `GET media/<pk>/comments/`: oldest first, COMMENTS_PAGE at a time; `next_min_id` is an opaque JSON string. */
function comments(call: Call, session: Session): Reply {
  const index = ownPost(call, session.ig);
  if (index === null) return igFail(call, 400, 'Media not found or unavailable');
  const all = session.ig.comments(index);
  let from = 0;
  const cursor = call.ctx.query.get('min_id');
  if (cursor) {
    try {
      from = Number((JSON.parse(cursor) as { server_cursor?: string }).server_cursor ?? 'x');
    } catch {
      from = NaN;
    }
    if (!Number.isInteger(from) || from < 0) return igFail(call, 400, 'Invalid min_id');
  }
  const page = all.slice(from, from + COMMENTS_PAGE);
  const more = from + COMMENTS_PAGE < all.length;
  return igJson(call, session, 200, {
    comments: page.map((comment) => commentObject(comment, call.params[0])),
    comment_count: all.length,
    has_more_comments: more,
    ...(more ? { next_min_id: JSON.stringify({ server_cursor: String(from + COMMENTS_PAGE), is_server_cursor_inverse: true }) } : {}),
    caption_is_edited: false,
    status: 'ok',
  });
}

/** `GET media/<pk>/comments/<comment pk>/child_comments/`: a comment's replies. */
function childComments(call: Call, session: Session): Reply {
  const index = ownPost(call, session.ig);
  if (index === null) return igFail(call, 400, 'Media not found or unavailable');
  const parent = session.ig.comments(index).find((comment) => comment.pk === call.params[1]);
  if (!parent) return igFail(call, 400, 'Comment not found');
  return igJson(call, session, 200, {
    child_comments: parent.replies.map((reply) => commentObject(reply, call.params[0], parent.pk)),
    child_comment_count: parent.replies.length,
    has_more_head_child_comments: false,
    has_more_tail_child_comments: false,
    parent_comment: commentObject(parent, call.params[0]),
    status: 'ok',
  });
}

const route = (methods: string[], path: RegExp, api: string, handler: Handler): Route => ({ methods, path, api: `instagram.${api}`, surface: 'instagram', handler: withSession(handler) });

export const INSTAGRAM_API_ROUTES: Route[] = [
  route(['GET'], new RegExp(`^${API}/users/(\\d+)/info/$`), 'users.info', userInfo),
  route(['GET'], new RegExp(`^${API}/feed/user/(\\d+)/$`), 'feed.user', userFeed),
  route(['POST'], new RegExp(`^${API}/clips/user/$`), 'clips.user', clips),
  route(['GET'], new RegExp(`^${API}/feed/saved/posts/$`), 'feed.saved', savedFeed),
  route(['GET'], new RegExp(`^${API}/feed/reels_media/$`), 'feed.reels_media', reelsMedia),
  route(['GET'], new RegExp(`^${API}/highlights/(\\d+)/highlights_tray/$`), 'highlights.tray', highlightsTray),
  route(['GET'], new RegExp(`^${API}/media/(\\d+)/comments/$`), 'media.comments', comments),
  route(['GET'], new RegExp(`^${API}/media/(\\d+)/comments/(\\d+)/child_comments/$`), 'media.child_comments', childComments),
];
