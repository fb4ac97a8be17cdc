import { httpStatusText } from '../http/status-text';
import { Reply, jsonReply } from '../http/reply';

/**
 * Google's JSON error body for googleapis.com APIs:
 * {"error":{"code","message","errors":[{"message","domain","reason","location"?,"locationType"?}],"status"?}}.
 * YouTube's own errors (quota, parts, parameters) carry no "status"; errors raised by Google's
 * front end (credentials, scopes, overload) do, as the live API answers.
 */
export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export interface GoogleErrorSpec {
  code: number;
  message: string;
  errors: GoogleErrorItem[];
  status?: string;
  details?: unknown[];
}

export function googleError(spec: GoogleErrorSpec, headers: Record<string, string> = {}): Reply {
  const error: Record<string, unknown> = { code: spec.code, message: spec.message, errors: spec.errors };
  if (spec.status) error.status = spec.status;
  if (spec.details) error.details = spec.details;
  return jsonReply(spec.code, { error }, headers);
}

const single = (
  code: number,
  message: string,
  domain: string,
  reason: string,
  extra: Partial<GoogleErrorItem> = {},
  status?: string,
): GoogleErrorSpec => ({ code, message, errors: [{ message, domain, reason, ...extra }], status });

export const errors = {
  invalidCredentials: (): Reply =>
    googleError(
      {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [
          {
            message: 'Invalid Credentials',
            domain: 'global',
            reason: 'authError',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    ),

  missingApiKey: (): Reply =>
    googleError(single(403, 'The request is missing a valid API key.', 'global', 'forbidden', {}, 'PERMISSION_DENIED')),

  invalidApiKey: (): Reply =>
    googleError(
      single(400, 'API key not valid. Please pass a valid API key.', 'global', 'badRequest', {}, 'INVALID_ARGUMENT'),
    ),

  insufficientScopes: (method: string): Reply =>
    googleError({
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { method, service: 'youtube.googleapis.com' },
        },
      ],
    }),

  quotaExceeded: (): Reply =>
    googleError(
      single(
        403,
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
        'youtube.quota',
        'quotaExceeded',
      ),
    ),

  requiredPart: (): Reply =>
    googleError(
      single(400, 'Required parameter: part', 'global', 'required', { location: 'part', locationType: 'parameter' }),
    ),

  unknownPart: (part: string): Reply =>
    googleError(
      single(400, `'${part}'`, 'youtube.part', 'unknownPart', { location: 'part', locationType: 'parameter' }),
    ),

  outOfRange: (name: string, raw: string, min: number, max: number): Reply =>
    googleError(
      single(400, `Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`, 'global', 'invalidParameter', {
        location: name,
        locationType: 'parameter',
      }),
    ),

  notAnInteger: (name: string, raw: string): Reply =>
    googleError(
      single(400, `Invalid unsigned integer value: '${raw}'.`, 'global', 'invalidParameter', {
        location: name,
        locationType: 'parameter',
      }),
    ),

  invalidValue: (name: string, raw: string): Reply =>
    googleError(
      single(400, `Invalid value '${raw}'.`, 'global', 'invalidParameter', { location: name, locationType: 'parameter' }),
    ),

  noFilter: (expected: readonly string[]): Reply => {
    const message = `No filter selected. Expected one of: ${expected.join(', ')}`;
    return googleError(
      single(400, message, 'youtube.parameter', 'missingRequiredParameter', { location: '', locationType: 'parameter' }),
    );
  },

  incompatibleParameters: (names: readonly string[]): Reply =>
    googleError(
      single(
        400,
        `Incompatible parameters specified in the request: ${names.join(', ')}`,
        'youtube.parameter',
        'incompatibleParameters',
        { location: 'parameters.', locationType: 'other' },
      ),
    ),

  invalidFilters: (): Reply =>
    googleError(
      single(400, 'The request specifies an invalid filter parameter.', 'youtube.parameter', 'invalidFilters', {
        location: 'parameters.',
        locationType: 'other',
      }),
    ),

  unexpectedParameter: (name: string, why: string): Reply =>
    googleError(
      single(400, why, 'youtube.parameter', 'unexpectedParameter', { location: name, locationType: 'parameter' }),
    ),

  invalidPageToken: (): Reply =>
    googleError(
      single(400, 'The request specifies an invalid page token.', 'youtube.parameter', 'invalidPageToken', {
        location: 'pageToken',
        locationType: 'parameter',
      }),
    ),

  playlistNotFound: (): Reply =>
    googleError(
      single(
        404,
        "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
        'youtube.playlistItem',
        'playlistNotFound',
        { location: 'playlistId', locationType: 'parameter' },
      ),
    ),

  playlistItemsNotAccessible: (): Reply =>
    googleError(
      single(
        403,
        'The request is not properly authorized to retrieve the specified playlist.',
        'youtube.playlistItem',
        'playlistItemsNotAccessible',
        { location: 'playlistId', locationType: 'parameter' },
      ),
    ),

  videoNotFound: (): Reply =>
    googleError(
      single(
        404,
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter could not be found.',
        'youtube.commentThread',
        'videoNotFound',
        { location: 'videoId', locationType: 'parameter' },
      ),
    ),

  channelNotFound: (): Reply =>
    googleError(
      single(
        404,
        'The channel identified by the <code><a href="/youtube/v3/docs/commentThreads/list#allThreadsRelatedToChannelId">allThreadsRelatedToChannelId</a></code> parameter could not be found.',
        'youtube.commentThread',
        'channelNotFound',
        { location: 'allThreadsRelatedToChannelId', locationType: 'parameter' },
      ),
    ),

  commentsDisabled: (): Reply =>
    googleError(
      single(
        403,
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter has disabled comments.',
        'youtube.commentThread',
        'commentsDisabled',
        { location: 'videoId', locationType: 'parameter' },
      ),
    ),

  commentNotFound: (): Reply =>
    googleError(
      single(
        404,
        'The comment identified by the <code><a href="/youtube/v3/docs/comments/list#parentId">parentId</a></code> parameter could not be found.',
        'youtube.comment',
        'commentNotFound',
        { location: 'parentId', locationType: 'parameter' },
      ),
    ),

  subscriptionForbidden: (): Reply =>
    googleError(
      single(
        403,
        "The requester is not allowed to access the requested subscriptions.",
        'youtube.subscription',
        'subscriptionForbidden',
      ),
    ),
};

/** The canned error a fault plan answers with, by HTTP status or by YouTube reason. */
export function faultError(status: number, reason?: string, message?: string): Reply {
  const known: Record<string, GoogleErrorSpec> = {
    rateLimitExceeded: single(429, 'Resource has been exhausted (e.g. check quota).', 'global', 'rateLimitExceeded', {}, 'RESOURCE_EXHAUSTED'),
    userRateLimitExceeded: single(403, 'User Rate Limit Exceeded', 'usageLimits', 'userRateLimitExceeded', {}, 'PERMISSION_DENIED'),
    quotaExceeded: single(
      403,
      'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      'youtube.quota',
      'quotaExceeded',
    ),
    dailyLimitExceeded: single(403, 'Daily Limit Exceeded', 'usageLimits', 'dailyLimitExceeded', {}, 'PERMISSION_DENIED'),
    backendError: single(status >= 500 ? status : 503, 'Backend Error', 'global', 'backendError', {}, status === 500 ? 'INTERNAL' : 'UNAVAILABLE'),
    authError: single(401, 'Invalid Credentials', 'global', 'authError', { location: 'Authorization', locationType: 'header' }, 'UNAUTHENTICATED'),
    forbidden: single(403, 'Forbidden', 'global', 'forbidden', {}, 'PERMISSION_DENIED'),
    invalidPageToken: single(400, 'The request specifies an invalid page token.', 'youtube.parameter', 'invalidPageToken', {
      location: 'pageToken',
      locationType: 'parameter',
    }),
    authenticatedUserAccountClosed: single(
      403,
      "The YouTube account of the authenticated user is closed.",
      'youtube.common',
      'authenticatedUserAccountClosed',
    ),
    authenticatedUserAccountSuspended: single(
      403,
      "The YouTube account of the authenticated user is suspended.",
      'youtube.common',
      'authenticatedUserAccountSuspended',
    ),
  };
  const byStatus: Record<number, string> = { 401: 'authError', 403: 'forbidden', 429: 'rateLimitExceeded', 500: 'backendError', 502: 'backendError', 503: 'backendError', 504: 'backendError' };
  const chosen = reason ?? byStatus[status];
  const spec: GoogleErrorSpec = chosen && known[chosen]
    ? { ...known[chosen], code: status }
    : single(status, message ?? httpStatusText(status), 'global', reason ?? 'badRequest');
  if (message) {
    spec.message = message;
    spec.errors = spec.errors.map((item) => ({ ...item, message }));
  }
  return googleError(spec, status === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } : {});
}

/** The HTML page Google's front end serves for a URL it does not know. */
export function googleNotFoundPage(path: string): Reply {
  const escaped = path.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: {
      type: 'text',
      value: `<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 404 (Not Found)!!1</title>\n<p><b>404.</b> <ins>That’s an error.</ins>\n<p>The requested URL <code>${escaped}</code> was not found on this server.  <ins>That’s all we know.</ins>\n`,
    },
  };
}
