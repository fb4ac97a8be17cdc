import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer, type LocalServer, type RecordedRequest } from './local-server';

export const CLIENT_ID = 'star-export.apps.googleusercontent.com';
export const CLIENT_SECRET = 'client-secret';
export const READONLY = 'https://www.googleapis.com/auth/youtube.readonly';

/** A Google error body as the Data API sends it. */
export function googleError(code: number, reason: string, message = reason) {
  return { error: { code, message, errors: [{ message, domain: 'youtube', reason }] } };
}

interface IssuedToken {
  audience: string;
  scopes: string[];
  expiresAt: number;
  /** The Data API accepts it; false for a token tokeninfo knows but the API refuses. */
  acceptedByApi: boolean;
}

/**
 * Google's OAuth endpoints and the Data API's channels.list, speaking their real wire formats, with
 * state a test can arrange: which access and refresh tokens are valid, what refreshes issue.
 */
export class FakeGoogle {
  readonly accessTokens = new Map<string, IssuedToken>();
  readonly refreshTokens = new Set<string>();
  /** Refresh tokens Google knows but issued to another OAuth client: answered 401 unauthorized_client. */
  readonly foreignRefreshTokens = new Set<string>();
  readonly revoked: string[] = [];
  /** Every event in arrival order: `token`, `api:<access token>`, `tokeninfo:<access token>`. */
  readonly log: string[] = [];
  /** Overrides channels.list for a test. */
  channels: (request: RecordedRequest, response: ServerResponse) => boolean = () => false;
  channelItems: unknown[] = [{ id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', snippet: { title: 'Star Channel', customUrl: '@star' } }];
  /** Whether refreshes also rotate the refresh token. */
  rotateRefreshToken = false;
  /** Whether the Data API accepts the tokens refreshes issue (false: the account is broken beyond a refresh). */
  refreshedTokensWork = true;
  refreshDelayMs = 0;
  private issued = 1;
  private server!: LocalServer;

  static async start(): Promise<FakeGoogle> {
    const google = new FakeGoogle();
    google.server = await startLocalServer((request, response) => google.handle(request, response));
    return google;
  }

  get origin(): string {
    return this.server.origin;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.server.requests.filter((request) => request.path === path);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  issue(accessToken: string, overrides: Partial<IssuedToken> = {}): void {
    this.accessTokens.set(accessToken, {
      audience: CLIENT_ID,
      scopes: [READONLY],
      expiresAt: Date.now() + 3_600_000,
      acceptedByApi: true,
      ...overrides,
    });
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    switch (request.path) {
      case '/token':
        return this.token(request, response);
      case '/tokeninfo':
        return this.tokenInfo(request, response);
      case '/revoke':
        return this.revoke(request, response);
      case '/youtube/v3/channels':
        return this.channelsList(request, response);
      default:
        sendJson(response, 404, googleError(404, 'notFound'));
    }
  }

  private async token(request: RecordedRequest, response: ServerResponse): Promise<void> {
    this.log.push('token');
    const form = new URLSearchParams(request.body);
    if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) {
      return sendJson(response, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (form.get('grant_type') !== 'refresh_token') return sendJson(response, 400, { error: 'unsupported_grant_type' });
    const refreshToken = form.get('refresh_token') ?? '';
    if (this.foreignRefreshTokens.has(refreshToken)) {
      return sendJson(response, 401, { error: 'unauthorized_client', error_description: 'Unauthorized' });
    }
    if (!this.refreshTokens.has(refreshToken)) {
      return sendJson(response, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    }
    await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
    const accessToken = `T${++this.issued}`;
    this.issue(accessToken, { acceptedByApi: this.refreshedTokensWork });
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: 3599, scope: READONLY, token_type: 'Bearer' };
    if (this.rotateRefreshToken) {
      const next = `R${this.issued}`;
      this.refreshTokens.delete(refreshToken);
      this.refreshTokens.add(next);
      body.refresh_token = next;
    }
    sendJson(response, 200, body);
  }

  private tokenInfo(request: RecordedRequest, response: ServerResponse): void {
    const accessToken = request.url.searchParams.get('access_token') ?? '';
    this.log.push(`tokeninfo:${accessToken}`);
    const token = this.accessTokens.get(accessToken);
    if (!token || token.expiresAt <= Date.now()) {
      return sendJson(response, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    }
    // Google sends exp and expires_in as strings.
    sendJson(response, 200, {
      azp: token.audience,
      aud: token.audience,
      sub: '110169484474386276334',
      scope: token.scopes.join(' '),
      exp: String(Math.floor(token.expiresAt / 1000)),
      expires_in: String(Math.floor((token.expiresAt - Date.now()) / 1000)),
      access_type: 'offline',
    });
  }

  private revoke(request: RecordedRequest, response: ServerResponse): void {
    const token = new URLSearchParams(request.body).get('token') ?? '';
    if (this.refreshTokens.delete(token) || this.accessTokens.delete(token)) {
      this.revoked.push(token);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
      return;
    }
    sendJson(response, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
  }

  private channelsList(request: RecordedRequest, response: ServerResponse): void {
    const accessToken = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    this.log.push(`api:${accessToken}`);
    const token = this.accessTokens.get(accessToken);
    if (!token || !token.acceptedByApi || token.expiresAt <= Date.now()) {
      return sendJson(response, 401, googleError(401, 'authError', 'Invalid Credentials'));
    }
    if (this.channels(request, response)) return;
    sendJson(response, 200, { kind: 'youtube#channelListResponse', pageInfo: { totalResults: this.channelItems.length }, items: this.channelItems });
  }
}
