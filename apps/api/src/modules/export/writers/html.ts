const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Web addresses in free text, up to white space or markup; trailing punctuation is not part of them. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Escapes free text and makes its http(s) addresses clickable (they open only when clicked). */
export function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const start = match.index;
    out += escapeHtml(text.slice(last, start)) + externalLink(match[0], match[0]);
    last = start + match[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

export function isWebAddress(value: string): boolean {
  return /^https?:\/\/\S+$/.test(value);
}

export function externalLink(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/** `2024-01-14T10:00:00Z` as `2024-01-14 10:00 UTC`, the same on every machine that opens the archive. */
export function readableTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The viewer must work from a folder on disk with no network: no scripts, no external requests.
 * Only our own relative media files may load as images and videos.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'";

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--line:#dde1e6;--muted:#5f6b7a;--text:#1c1e21;--link:#0b57d0;--head:#20232a}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--card:#1f2226;--line:#343a40;--muted:#a3acb9;--text:#e8eaed;--link:#8ab4f8;--head:#0d0f11}}
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:var(--bg);color:var(--text)}
a{color:var(--link)}
header{background:var(--head);color:#fff;padding:16px 24px}header a{color:#9cf}header p{margin:4px 0 0;color:#cfd6df}
h1{margin:4px 0 0;font-size:22px}
main{max-width:900px;margin:0 auto;padding:16px 24px}
table{border-collapse:collapse;width:100%;background:var(--card)}
td,th{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:14px 0;padding:14px 16px}
.card h2{font-size:17px;margin:0 0 2px;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:13px;margin:0 0 8px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:8px 0}
.media img,.media video{max-width:100%;max-height:360px;display:block;margin:8px 0;border-radius:4px}
.replies{border-left:3px solid var(--line);margin:10px 0 0;padding-left:14px}
.replies .card{margin:8px 0;padding:10px 12px}
details{margin-top:8px}summary{cursor:pointer;color:var(--muted);font-size:13px}
dl{display:grid;grid-template-columns:minmax(110px,220px) 1fr;gap:2px 12px;margin:8px 0 0;font-size:13px}
dt{color:var(--muted);overflow-wrap:anywhere}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
nav.pages{margin:8px 0}nav.pages a,nav.pages strong{margin-right:8px}
`;

export function htmlPage(title: string, body: string, header = ''): string {
  const [head, tail] = htmlPageParts(title, header);
  return `${head}${body}\n${tail}`;
}

/** A page's opening and closing markup, for a body that is streamed between them. */
export function htmlPageParts(title: string, header = ''): [string, string] {
  return [
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header>${header}<h1>${escapeHtml(title)}</h1></header><main>
`,
    '</main></body></html>\n',
  ];
}
