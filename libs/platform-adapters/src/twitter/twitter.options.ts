import type { SettingsReader } from '../settings/settings-reader';

/** X's slice of the settings: API v2, its OAuth 2.0 endpoints and client, and the spending budget. */
export interface TwitterOptions {
  /** TWITTER_API_URL, default https://api.x.com/2. */
  apiUrl: string;
  /** TWITTER_AUTH_URL: the consent screen, default https://x.com/i/oauth2/authorize. */
  authUrl: string;
  /** TWITTER_TOKEN_URL, default https://api.x.com/2/oauth2/token; revoke is `…/oauth2/revoke` beside it. */
  tokenUrl: string;
  revokeUrl: string;
  /** TWITTER_CLIENT_ID; TWITTER_CLIENT_SECRET for a confidential client (HTTP Basic), none for a public one. */
  clientId?: string;
  clientSecret?: string;
  /** TWITTER_MONTHLY_BUDGET_USD in micro-dollars; default $5. */
  monthlyBudgetMicros: number;
  /** Price of one owned read (a post, like, bookmark or follower of the user's own), micro-dollars; TWITTER_PRICE_OWNED_READ_USD, default $0.001. */
  ownedReadMicros: number;
}

export const TWITTER_OPTIONS = Symbol('TWITTER_OPTIONS');

export function readTwitterOptions(read: SettingsReader): TwitterOptions {
  const tokenUrl = read.url('TWITTER_TOKEN_URL', 'https://api.x.com/2/oauth2/token');
  return {
    apiUrl: read.url('TWITTER_API_URL', 'https://api.x.com/2'),
    authUrl: read.url('TWITTER_AUTH_URL', 'https://x.com/i/oauth2/authorize'),
    tokenUrl,
    revokeUrl: tokenUrl.replace(/\/token$/, '/revoke'),
    clientId: read.string('TWITTER_CLIENT_ID'),
    clientSecret: read.string('TWITTER_CLIENT_SECRET'),
    monthlyBudgetMicros: dollars(read, 'TWITTER_MONTHLY_BUDGET_USD', 5),
    ownedReadMicros: dollars(read, 'TWITTER_PRICE_OWNED_READ_USD', 0.001),
  };
}

/** A dollar amount as whole micro-dollars, so the ledger adds integers. */
function dollars(read: SettingsReader, name: string, fallback: number): number {
  const raw = read.string(name);
  if (raw === undefined) return Math.round(fallback * 1_000_000);
  if (!/^\d+(\.\d{1,6})?$/.test(raw)) {
    read.problems.push(`${name} must be an amount in US dollars such as 5 or 0.001 (got "${raw}")`);
    return Math.round(fallback * 1_000_000);
  }
  return Math.round(Number(raw) * 1_000_000);
}
