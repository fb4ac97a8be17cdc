/** Who a connection belongs to, as the platform says; shown on connect and written into the export manifest. */
export interface AccountInfo {
  /** The platform's id for the account (YouTube: the channel id). Always a string. */
  accountId: string;
  /** Display name (YouTube: the channel title). */
  name: string;
  /** Public handle when the platform has one (YouTube: `@customUrl`). */
  handle?: string;
  /** Scopes or permissions the grant really carries, as the platform reports them. */
  scopes: string[];
  /** When the access token expires, when the platform says. */
  tokenExpiry?: Date;
}
