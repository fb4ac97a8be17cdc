import { youtubeOf } from '../youtube/youtube-account';
import type { SandboxState } from './state';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A landing page for people who open the sandbox in a browser. */
export function indexPage(state: SandboxState): string {
  const base = state.baseUrl;
  const accounts = state.universe
    .list()
    .map((a) => {
      const { channel } = youtubeOf(a);
      return `<li><code>${escapeHtml(a.key)}</code> (${escapeHtml(a.email)}): ${channel ? `${channel.videoCount} videos, channel <code>${channel.id}</code>` : 'no channel'}</li>`;
    })
    .join('');
  const client = [...state.clients.values()][0];
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Star Export platform sandbox</title></head><body>
<h1>Star Export platform sandbox</h1>
<p>Google OAuth 2.0 and the YouTube Data API v3 with synthetic accounts. Admin API under <code>/__admin</code>.</p>
<h2>Point Star Export at it</h2>
<pre>GOOGLE_AUTH_URL=${base}/o/oauth2/v2/auth
GOOGLE_TOKEN_URL=${base}/token
GOOGLE_USERINFO_URL=${base}/v1/userinfo
GOOGLE_REVOKE_URL=${base}/revoke
YOUTUBE_API_URL=${base}/youtube/v3
${client ? `GOOGLE_CLIENT_ID=${escapeHtml(client.clientId)}\nGOOGLE_CLIENT_SECRET=${escapeHtml(client.clientSecret)}` : ''}</pre>
<h2>Accounts</h2><ul>${accounts}</ul>
</body></html>`;
}
