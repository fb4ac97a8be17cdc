import { randomBytes } from 'node:crypto';
import { jsonReply, type Reply } from '../http/reply';

/**
 * The Graph API's error object (https://developers.facebook.com/docs/graph-api/guides/error-handling):
 * `{error: {message, type, code, error_subcode, fbtrace_id}}`, on HTTP 400 for most refusals.
 */
export function graphError(status: number, code: number, message: string, type = 'OAuthException', subcode?: number, headers: Record<string, string> = {}): Reply {
  return jsonReply(
    status,
    {
      error: {
        message,
        type,
        code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
    { 'www-authenticate': `OAuth "Facebook Platform" "${code === 190 ? 'invalid_token' : 'invalid_request'}" "${message.replace(/"/g, "'")}"`, ...headers },
  );
}

export const graphErrors = {
  noToken: (): Reply => graphError(400, 2500, 'An active access token must be used to query information about the current user.'),
  /** 190: the token is malformed, expired (463), or otherwise invalid (467). */
  invalidToken: (): Reply => graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token'),
  expiredToken: (): Reply =>
    graphError(400, 190, 'Error validating access token: Session has expired. The current time is later than the expiry time.', 'OAuthException', 463),
  badProof: (): Reply => graphError(400, 100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException'),
  missingProof: (): Reply => graphError(400, 100, 'API calls from the server require an appsecret_proof argument', 'GraphMethodException'),
  permission: (permission: string): Reply =>
    graphError(400, 200, `(#200) Requires ${permission} permission to access this edge`, 'OAuthException'),
  unknownPath: (path: string): Reply =>
    graphError(400, 100, `Unsupported get request. Object with ID '${path}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33),
  nonexistingField: (field: string, node: string): Reply =>
    graphError(400, 100, `(#100) Tried accessing nonexisting field (${field}) on node type (${node})`),
  deprecatedField: (field: string): Reply => graphError(400, 12, `(#12) ${field} field is deprecated for versions v3.3 and higher`),
  badCursor: (): Reply => graphError(400, 100, '(#100) The After Cursor specified is invalid or has expired', 'OAuthException'),
  badParameter: (name: string): Reply => graphError(400, 100, `(#100) Param ${name} must be a valid value`),
  userThrottled: (headers: Record<string, string>): Reply => graphError(403, 17, '(#17) User request limit reached', 'OAuthException', 2446079, headers),
  appThrottled: (headers: Record<string, string>): Reply => graphError(403, 4, '(#4) Application request limit reached', 'OAuthException', 1504022, headers),
  internal: (): Reply => graphError(500, 1, 'An unknown error has occurred.', 'OAuthException'),
};

/** A fault with a status answers in the Graph's error shape; `reason` names the code (`17`, `80001`, `190`). */
export function graphFaultReply(status: number, reason?: string, message?: string): Reply {
  const code = reason !== undefined && /^\d+$/.test(reason) ? Number(reason) : status >= 500 ? 2 : 1;
  return graphError(status, code, message ?? `(#${code}) sandbox fault`);
}

/** Facebook's answer to a path it does not serve. */
export const graphNotFound = (path: string): Reply => graphErrors.unknownPath(path.replace(/^\/v\d+\.\d+\//, ''));
