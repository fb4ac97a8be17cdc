/** What a browser that comes back from a consent screen is shown when no FRONTEND_URL takes it home. */
export type CallbackOutcome =
  | { kind: 'connected'; platformName: string }
  | { kind: 'refused'; platformName: string; code: string; message: string };

import { createHash } from 'node:crypto';

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}';

/**
 * The page's own policy: its one inline style by hash, nothing else. The service's policy allows no
 * inline style (the web app needs none), so the page states exactly what it needs.
 */
export const CALLBACK_PAGE_CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * A small static page (no scripts, no external requests) that says in words what happened. A person
 * handed someone else's consent link lands here too, so a refusal says plainly that nothing was connected.
 */
export function callbackPage(outcome: CallbackOutcome): string {
  const name = escapeHtml(outcome.platformName);
  const [title, body] =
    outcome.kind === 'connected'
      ? [`${name} is connected`, `<p>Star Export can now export your ${name} data. You can close this page.</p>`]
      : [
          `${name} was not connected`,
          `<p>${escapeHtml(outcome.message)}</p>` +
            `<p>Nothing was connected. If you did not start connecting ${name} to Star Export yourself, ` +
            `someone may have sent you this link: close this page.</p>` +
            `<p><small>Error code: ${escapeHtml(outcome.code)}</small></p>`,
        ];
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${title} · Star Export</title>` +
    `<style>${STYLE}</style>` +
    `</head><body><main id="outcome" data-outcome="${outcome.kind}"${outcome.kind === 'refused' ? ` data-code="${escapeHtml(outcome.code)}"` : ''}>` +
    `<h1>${title}</h1>${body}<p><a href="/platforms">Back to Star Export</a></p></main></body></html>`
  );
}
