import { Reply, jsonReply } from '../http/reply';
import type { Call, Route } from '../server/call';
import { Authorized, authorize, decodeToken, encodeToken, idParam, invalidRequest, isReply, maxResults, selection, timeParam, userSelection } from './api';
import { includesJson, newIncludes, tweetObject, userObject } from './objects';
import { BOOKMARKS_CAP, PostKind, TIMELINE_CAP, XEndpoint } from './twitter-account';

export const X_API_PREFIX = '/2';
const USER_PATH = (tail: string): RegExp => new RegExp(`^/2/users/([^/]+)/${tail}$`);

/** X answers an unknown user id with 200 and an `errors` array, not a 404. */
function userNotFound(id: string, headers: Record<string, string>): Reply {
  return jsonReply(200, {
    errors: [{ value: id, detail: `Could not find user with id: [${id}].`, title: 'Not Found Error', resource_type: 'user', parameter: 'id', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' }],
  }, headers);
}

function ownUser(call: Call, endpoint: XEndpoint): Authorized | Reply {
  const auth = authorize(call, endpoint);
  if (isReply(auth)) return auth;
  const id = call.params[0];
  if (!/^\d{1,19}$/.test(id)) return invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { id: [id] });
  if (id !== auth.x.userId) {
    // Bookmarks belong to the token's user alone; other timelines are out of this stand-in's world.
    return endpoint === 'bookmarks'
      ? jsonReply(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'You are not permitted to access this resource.' }, auth.headers)
      : userNotFound(id, auth.headers);
  }
  return auth;
}

function usersMe(call: Call): Reply {
  const auth = authorize(call, 'users.me');
  if (isReply(auth)) return auth;
  const sel = userSelection(call.ctx.query);
  if (isReply(sel)) return sel;
  const includes = newIncludes();
  const data = userObject(auth.x, auth.account, 0, call.state.baseUrl, sel.userFields);
  if (sel.expansions.has('pinned_tweet_id') && auth.x.posts > 0) {
    const post = auth.x.post('own', 0);
    includes.tweets.set(post.id, tweetObject(auth.x, auth.account, post, { ...sel, expansions: new Set() }, call.state.baseUrl, newIncludes()));
  }
  const inc = includesJson(includes);
  return jsonReply(200, { data, ...(inc ? { includes: inc } : {}) }, auth.headers);
}

interface PostList {
  endpoint: XEndpoint;
  kind: PostKind;
  min: number;
  max: number;
  fallback: number;
  size: (auth: Authorized) => number;
  cap: number;
  dated: boolean;
}

const LISTS: Record<string, PostList> = {
  tweets: { endpoint: 'tweets', kind: 'own', min: 5, max: 100, fallback: 10, size: (a) => a.x.posts, cap: TIMELINE_CAP, dated: true },
  liked_tweets: { endpoint: 'liked_tweets', kind: 'liked', min: 5, max: 100, fallback: 100, size: (a) => a.x.likes, cap: Infinity, dated: false },
  bookmarks: { endpoint: 'bookmarks', kind: 'bookmarked', min: 1, max: 100, fallback: 100, size: (a) => a.x.bookmarks, cap: BOOKMARKS_CAP, dated: false },
};

/**
 * A page of posts: the newest first, only the first `cap` of them reachable, optionally inside
 * start_time/end_time and since_id/until_id (ids strictly newer / older). A timeline page named in the account's `emptyPages` comes back with only
 * `meta` (no `data`) yet a `next_token`, which X does when it filters a page's posts out.
 */
function postList(list: PostList) {
  return (call: Call): Reply => {
    const auth = ownUser(call, list.endpoint);
    if (isReply(auth)) return auth;
    const q = call.ctx.query;
    const sel = selection(q);
    if (isReply(sel)) return sel;
    const size = maxResults(q, list.min, list.max, list.fallback);
    if (isReply(size)) return size;
    let start: number | null = null;
    let end: number | null = null;
    let since: bigint | null = null;
    let until: bigint | null = null;
    if (list.dated) {
      const s = timeParam(q, 'start_time');
      if (isReply(s)) return s;
      const e = timeParam(q, 'end_time');
      if (isReply(e)) return e;
      start = s;
      end = e;
      const after = idParam(q, 'since_id');
      if (isReply(after)) return after;
      const before = idParam(q, 'until_id');
      if (isReply(before)) return before;
      since = after;
      until = before;
    } else {
      for (const name of ['start_time', 'end_time', 'since_id', 'until_id']) if (q.has(name)) return invalidRequest(`The query parameter [${name}] is not one of [id,max_results,pagination_token,expansions,tweet.fields,media.fields,poll.fields,place.fields,user.fields]`);
    }
    const scope = `${auth.account.key}:${list.endpoint}:${start ?? ''}:${end ?? ''}:${since ?? ''}:${until ?? ''}`;
    const token = decodeToken(q.get('pagination_token'), scope);
    if (isReply(token)) return token;
    const offset = token?.offset ?? 0;
    const page = token?.page ?? 1;
    const reachable = Math.min(list.size(auth), list.cap);
    const posts = [];
    for (let i = 0; i < reachable; i++) {
      const post = auth.x.post(list.kind, i);
      if ((start !== null && post.createdMs < start) || (end !== null && post.createdMs >= end)) continue;
      if ((since !== null && BigInt(post.id) <= since) || (until !== null && BigInt(post.id) >= until)) continue;
      posts.push(post);
    }
    if (list.kind === 'own' && auth.x.emptyPages.has(page) && offset < posts.length) {
      return jsonReply(200, { meta: { result_count: 0, next_token: encodeToken(offset, page + 1, scope) } }, auth.headers);
    }
    const slice = posts.slice(offset, offset + size);
    const includes = newIncludes();
    const data = slice.map((post) => tweetObject(auth.x, auth.account, post, sel, call.state.baseUrl, includes));
    const next = offset + size < posts.length ? encodeToken(offset + size, page + 1, scope) : null;
    const inc = includesJson(includes);
    const meta: Record<string, unknown> = { result_count: data.length };
    if (data.length > 0) Object.assign(meta, { newest_id: slice[0].id, oldest_id: slice[slice.length - 1].id });
    if (next) meta.next_token = next;
    if (offset > 0) meta.previous_token = encodeToken(Math.max(0, offset - size), Math.max(1, page - 1), scope);
    return jsonReply(200, { ...(data.length > 0 ? { data } : {}), ...(inc ? { includes: inc } : {}), meta }, auth.headers);
  };
}

/** followers / following: users, up to 1,000 a page. */
function userList(endpoint: 'followers' | 'following') {
  return (call: Call): Reply => {
    const auth = ownUser(call, endpoint);
    if (isReply(auth)) return auth;
    const q = call.ctx.query;
    const sel = userSelection(q);
    if (isReply(sel)) return sel;
    const size = maxResults(q, 1, 1000, 100);
    if (isReply(size)) return size;
    const scope = `${auth.account.key}:${endpoint}`;
    const token = decodeToken(q.get('pagination_token'), scope);
    if (isReply(token)) return token;
    const offset = token?.offset ?? 0;
    const total = endpoint === 'followers' ? auth.x.followers : auth.x.following;
    // Followed accounts start two before the followers end, so the two lists share two people (mutuals).
    const first = endpoint === 'followers' ? 100 : 100 + Math.max(0, auth.x.followers - 2);
    const data = [];
    for (let i = offset; i < Math.min(total, offset + size); i++) data.push(userObject(auth.x, auth.account, first + i, call.state.baseUrl, sel.userFields));
    const meta: Record<string, unknown> = { result_count: data.length };
    if (offset + size < total) meta.next_token = encodeToken(offset + size, 1, scope);
    return jsonReply(200, { ...(data.length > 0 ? { data } : {}), meta }, auth.headers);
  };
}

const route = (path: string | RegExp, api: string, handler: Route['handler']): Route => ({ methods: ['GET'], path, api: `twitter.${api}`, surface: 'twitter', handler });

export const X_API_ROUTES: Route[] = [
  route('/2/users/me', 'users.me', usersMe),
  route(USER_PATH('tweets'), 'tweets', postList(LISTS.tweets)),
  route(USER_PATH('liked_tweets'), 'liked_tweets', postList(LISTS.liked_tweets)),
  route(USER_PATH('bookmarks'), 'bookmarks', postList(LISTS.bookmarks)),
  route(USER_PATH('followers'), 'followers', userList('followers')),
  route(USER_PATH('following'), 'following', userList('following')),
];
