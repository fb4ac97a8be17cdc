import { createHash, randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestEnv } from './test-app';

/** The Google account that "signs in" on the fake consent screen. */
export interface FakeGoogleAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

interface IssuedCode {
  account: FakeGoogleAccount;
  redirectUri: string;
  codeChallenge: string;
  used: boolean;
}

/** Where a test points the app's callback; the test then replays the path against the app's real URL. */
export const FAKE_CALLBACK_URL = 'http://127.0.0.1/api/auth/google/callback';

/**
 * A small OAuth 2.0 / OpenID Connect provider speaking Google's web-server flow, for sign-in tests:
 * an authorization endpoint that consents at once and redirects back with a code, a token endpoint
 * that checks the client, the redirect URI, PKCE S256 and that each code is used once, and userinfo.
 */
export class FakeGoogle {
  readonly clientId = 'fake-google-client';
  readonly clientSecret = 'fake-google-secret';
  /** Who signs in at the next authorization request. */
  account: FakeGoogleAccount = { sub: '1000', email: 'someone@gmail.com', email_verified: true, name: 'Some One' };
  /** Query of every authorization request, to check what the app asked for. */
  readonly authorizationRequests: URLSearchParams[] = [];
  tokenRequests = 0;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, FakeGoogleAccount>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGoogle> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const google = new FakeGoogle(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      google.handle(req, res).catch(() => send(res, 500, { error: 'server_error' }));
    });
    return google;
  }

  /** The app settings that point Google sign-in here. */
  env(): TestEnv {
    return {
      GOOGLE_CLIENT_ID: this.clientId,
      GOOGLE_CLIENT_SECRET: this.clientSecret,
      GOOGLE_CALLBACK_URL: FAKE_CALLBACK_URL,
      GOOGLE_AUTH_URL: `${this.url}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${this.url}/token`,
      GOOGLE_USERINFO_URL: `${this.url}/v1/userinfo`,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return this.authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === '/token') return this.token(new URLSearchParams(await body(req)), res);
    if (req.method === 'GET' && url.pathname === '/v1/userinfo') return this.userinfo(req, res);
    send(res, 404, { error: 'not_found' });
  }

  private authorize(query: URLSearchParams, res: ServerResponse): void {
    this.authorizationRequests.push(query);
    const redirectUri = query.get('redirect_uri');
    const scopes = (query.get('scope') ?? '').split(' ');
    const valid =
      query.get('response_type') === 'code' &&
      query.get('client_id') === this.clientId &&
      redirectUri !== null &&
      ['openid', 'email', 'profile'].every((scope) => scopes.includes(scope)) &&
      query.get('code_challenge_method') === 'S256' &&
      /^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? '');
    if (!valid) return send(res, 400, { error: 'invalid_request' });
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, {
      account: { ...this.account },
      redirectUri,
      codeChallenge: query.get('code_challenge') as string,
      used: false,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    // Google adds these too; the callback must tolerate them.
    back.searchParams.set('scope', 'openid email profile');
    back.searchParams.set('authuser', '0');
    res.writeHead(302, { Location: back.toString() }).end();
  }

  private token(form: URLSearchParams, res: ServerResponse): void {
    this.tokenRequests += 1;
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return send(res, 401, { error: 'invalid_client' });
    }
    if (form.get('grant_type') !== 'authorization_code') return send(res, 400, { error: 'unsupported_grant_type' });
    const issued = this.codes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!issued || issued.used || issued.redirectUri !== form.get('redirect_uri') || challenge !== issued.codeChallenge) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    }
    issued.used = true;
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, issued.account);
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3599, scope: 'openid email profile' });
  }

  private userinfo(req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const account = token ? this.accessTokens.get(token) : undefined;
    if (!account) return send(res, 401, { error: 'invalid_token' });
    send(res, 200, account);
  }
}

function send(res: ServerResponse, status: number, payload: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
