const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/**
 * The viewer must work from a folder on disk with no network: no scripts, no external requests.
 * Only our own relative media files may load as images.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}
header{background:#20232a;color:#fff;padding:16px 24px}header a{color:#9cf}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border:1px solid #dde;padding:6px 8px;text-align:left;vertical-align:top}
.item{background:#fff;border:1px solid #dde;border-radius:6px;margin:12px 0;padding:12px}
.item h2{font-size:16px;margin:0 0 8px}
dl{display:grid;grid-template-columns:minmax(120px,240px) 1fr;gap:2px 12px;margin:0}
dt{color:#606770;overflow-wrap:anywhere}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
img{max-width:320px;max-height:180px;display:block;margin:6px 0}
nav.pages a{margin-right:8px}
`;

export function htmlPage(title: string, body: string, breadcrumb = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header>${breadcrumb}<h1>${escapeHtml(title)}</h1></header><main>
${body}
</main></body></html>
`;
}
