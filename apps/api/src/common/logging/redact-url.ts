/** Query parameters that carry credentials: signed download links, OAuth codes and states. */
const SECRET_PARAMS = new Set(['token', 'code', 'state', 'access_token', 'refresh_token', 'id_token', 'key']);

/** A URL fit for a log line: the values of credential-bearing query parameters are replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_PARAMS.has(name.toLowerCase())) params.set(name, '[redacted]');
  }
  return `${url.slice(0, query)}?${params.toString()}`;
}
