import type { SettingsReader } from '../settings/settings-reader';

/** Facebook's slice of the settings: the Graph API, the login dialog, the Meta app, and pacing. */
export interface FacebookOptions {
  /** FACEBOOK_GRAPH_URL, default https://graph.facebook.com/v25.0 (the version is part of it). */
  graphUrl: string;
  /**
   * FACEBOOK_DIALOG_URL: the login dialog. Default https://www.facebook.com/<the graph URL's version>/dialog/oauth,
   * or /dialog/oauth under the graph URL when that names no version.
   */
  dialogUrl: string;
  /** FACEBOOK_APP_ID and FACEBOOK_APP_SECRET (together): connect, debug_token, long-lived tokens, appsecret_proof. */
  appId?: string;
  appSecret?: string;
  /**
   * FACEBOOK_SLOWDOWN_MS: the pause between calls when Meta reports 95 % usage; from 75 % the pause grows
   * towards it. Default 20 s.
   */
  slowdownMs: number;
}

export const FACEBOOK_OPTIONS = Symbol('FACEBOOK_OPTIONS');

export const FACEBOOK_GRAPH_URL = 'https://graph.facebook.com/v25.0';

export function defaultDialogUrl(graphUrl: string): string {
  const version = /\/(v\d+\.\d+)$/.exec(graphUrl)?.[1];
  return version ? `https://www.facebook.com/${version}/dialog/oauth` : `${graphUrl}/dialog/oauth`;
}

export function readFacebookOptions(read: SettingsReader): FacebookOptions {
  read.together('FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET');
  const graphUrl = read.url('FACEBOOK_GRAPH_URL', FACEBOOK_GRAPH_URL);
  return {
    graphUrl,
    dialogUrl: read.url('FACEBOOK_DIALOG_URL', defaultDialogUrl(graphUrl)),
    appId: read.string('FACEBOOK_APP_ID'),
    appSecret: read.string('FACEBOOK_APP_SECRET'),
    slowdownMs: read.int('FACEBOOK_SLOWDOWN_MS', 20_000, 0, 3_600_000),
  };
}
