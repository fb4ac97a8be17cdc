import type { AddressInfo } from 'node:net';
import { SandboxAdmin } from './admin/admin';
import { SandboxOptions, resolveOptions } from './config';
import { FACEBOOK_SANDBOX_APP } from './facebook/app';
import { createSandboxServer } from './server/server';
import { SandboxState } from './server/state';

/** The environment that points Star Export at a sandbox instead of Google. */
export interface SandboxEnv {
  GOOGLE_AUTH_URL: string;
  GOOGLE_TOKEN_URL: string;
  GOOGLE_USERINFO_URL: string;
  GOOGLE_REVOKE_URL: string;
  YOUTUBE_API_URL: string;
  /** The Graph API stand-in, and the Meta app it knows. */
  FACEBOOK_GRAPH_URL: string;
  FACEBOOK_DIALOG_URL: string;
  FACEBOOK_APP_ID: string;
  FACEBOOK_APP_SECRET: string;
  GOOGLE_CLIENT_ID: string;
  GOOGLE_CLIENT_SECRET: string;
  /** X: API v2 base, consent screen, token endpoint (revoke lives beside it) and the client, the same as Google's. */
  TWITTER_API_URL: string;
  TWITTER_AUTH_URL: string;
  TWITTER_TOKEN_URL: string;
  TWITTER_CLIENT_ID: string;
  TWITTER_CLIENT_SECRET: string;
  /** The Instagram website stand-in (its web API under `/api/v1/`). */
  INSTAGRAM_WEB_URL: string;
  /**
   * Media (thumbnails, video files) come from the sandbox itself: its `host:port`, since a
   * MEDIA_ALLOWED_HOSTS entry without a port allows only the scheme's default port.
   */
  MEDIA_ALLOWED_HOSTS: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:5100 (no trailing slash). */
  url: string;
  port: number;
  env: SandboxEnv;
  /** In-process control: the same operations as the HTTP admin API. */
  admin: SandboxAdmin;
  close(): Promise<void>;
}

export function sandboxEnv(url: string, admin: SandboxAdmin): SandboxEnv {
  const client = admin.clients()[0];
  return {
    GOOGLE_AUTH_URL: `${url}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${url}/token`,
    GOOGLE_USERINFO_URL: `${url}/v1/userinfo`,
    GOOGLE_REVOKE_URL: `${url}/revoke`,
    YOUTUBE_API_URL: `${url}/youtube/v3`,
    FACEBOOK_GRAPH_URL: `${url}/v25.0`,
    FACEBOOK_DIALOG_URL: `${url}/v25.0/dialog/oauth`,
    FACEBOOK_APP_ID: FACEBOOK_SANDBOX_APP.id,
    FACEBOOK_APP_SECRET: FACEBOOK_SANDBOX_APP.secret,
    GOOGLE_CLIENT_ID: client?.clientId ?? '',
    GOOGLE_CLIENT_SECRET: client?.clientSecret ?? '',
    TWITTER_API_URL: `${url}/2`,
    TWITTER_AUTH_URL: `${url}/i/oauth2/authorize`,
    TWITTER_TOKEN_URL: `${url}/2/oauth2/token`,
    TWITTER_CLIENT_ID: client?.clientId ?? '',
    TWITTER_CLIENT_SECRET: client?.clientSecret ?? '',
    INSTAGRAM_WEB_URL: `${url}/instagram`,
    MEDIA_ALLOWED_HOSTS: new URL(url).host,
  };
}

/** Starts a sandbox server; `port: 0` picks a free port (use the returned url). */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const resolved = resolveOptions(options);
  const state = new SandboxState(resolved);
  const admin = new SandboxAdmin(state);
  const server = createSandboxServer(state, admin);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host === '0.0.0.0' ? '127.0.0.1' : resolved.host;
  const url = resolved.publicUrl ?? `http://${host}:${port}`;
  state.baseUrl = url;
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    env: sandboxEnv(url, admin),
    admin,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging faults and keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
