/** The OAuth scopes the sandbox knows, with Google's short aliases expanded as Google reports them. */
export const SCOPE = {
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
  youtubeReadonly: 'https://www.googleapis.com/auth/youtube.readonly',
  youtube: 'https://www.googleapis.com/auth/youtube',
  youtubeForceSsl: 'https://www.googleapis.com/auth/youtube.force-ssl',
  youtubeUpload: 'https://www.googleapis.com/auth/youtube.upload',
  youtubepartner: 'https://www.googleapis.com/auth/youtubepartner',
  youtubeChannelAudit: 'https://www.googleapis.com/auth/youtubepartner-channel-audit',
} as const;

const ALIASES: Record<string, string> = { email: SCOPE.email, profile: SCOPE.profile };
const KNOWN = new Set<string>(Object.values(SCOPE));

/** Scopes that let a token read YouTube Data API resources. */
export const YOUTUBE_READ_SCOPES: readonly string[] = [
  SCOPE.youtubeReadonly,
  SCOPE.youtube,
  SCOPE.youtubeForceSsl,
  SCOPE.youtubepartner,
];

/** Splits a space-delimited scope parameter; returns the unknown ones separately. */
export function parseScopes(raw: string): { scopes: string[]; unknown: string[] } {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const part of raw.split(/[\s+]+/).filter(Boolean)) {
    const scope = ALIASES[part] ?? part;
    if (!KNOWN.has(scope)) unknown.push(part);
    else if (!scopes.includes(scope)) scopes.push(scope);
  }
  return { scopes, unknown };
}

export const hasIdentityScope = (scopes: readonly string[]): boolean =>
  scopes.includes(SCOPE.openid) || scopes.includes(SCOPE.email) || scopes.includes(SCOPE.profile);
