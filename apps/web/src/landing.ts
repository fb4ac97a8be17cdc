/**
 * What the server's redirects leave in the URL fragment when the browser comes back to the app:
 * Google sign-in (`#token=…&refreshToken=…` or `#error=<code>&message=…`) and a platform's OAuth
 * connect (`#platform=youtube&connected=true` or `#platform=youtube&error=<code>`). The fragment is
 * read once and removed, so tokens do not linger in the address bar or the history.
 */
export interface Landing {
  tokens?: { token: string; refreshToken: string };
  error?: string;
  platformMessage?: { platform: string; connected: boolean; code?: string };
  /** The outcome of linking Google to the signed-in account (started from the Platforms page). */
  googleLink?: { linked: true } | { linked: false; message: string };
}

/** Where a Google link started by the app comes back to; a sign-in comes back to `/`. */
export const GOOGLE_LINK_RETURN = '/platforms';

const SIGN_IN_ERRORS: Record<string, string> = {
  ACCOUNT_EXISTS_LINK_REQUIRED:
    'An account with this email already exists. Sign in with its password, then choose “Link Google account” on the Platforms page.',
};

export function readLanding(): Landing {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  if ([...hash.keys()].length === 0) return {};
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  const platform = hash.get('platform');
  if (platform) {
    return { platformMessage: { platform, connected: hash.get('connected') === 'true', code: hash.get('error') ?? undefined } };
  }
  if (hash.get('linked') === 'google') return { googleLink: { linked: true } };
  const token = hash.get('token');
  const refreshToken = hash.get('refreshToken');
  if (token && refreshToken) return { tokens: { token, refreshToken } };
  const code = hash.get('error');
  if (code && window.location.pathname === GOOGLE_LINK_RETURN) {
    return { googleLink: { linked: false, message: hash.get('message') ?? `Google was not linked (${code}).` } };
  }
  if (code) return { error: SIGN_IN_ERRORS[code] ?? hash.get('message') ?? `Google sign-in failed (${code}).` };
  return {};
}
