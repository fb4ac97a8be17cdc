import type { SessionCookie, SessionCookies } from '../adapter/credentials';

/** The pasted session is unusable; the message says why, never repeating the values. */
export class CookieInputError extends Error {}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const MAX_COOKIES = 300;

function checked(cookies: SessionCookie[]): SessionCookies {
  const valid = cookies.filter((cookie) => NAME.test(cookie.name) && cookie.value.length <= 4096 && !/[\s;,]/.test(cookie.value));
  if (valid.length > MAX_COOKIES) throw new CookieInputError(`at most ${MAX_COOKIES} cookies are accepted`);
  const instagram = valid.filter((cookie) => cookie.domain === undefined || /(^|\.)instagram\.com$/i.test(cookie.domain.replace(/^\./, '')));
  const byName = new Map(instagram.map((cookie) => [cookie.name, cookie]));
  if (!byName.get('sessionid')?.value) {
    throw new CookieInputError('the Instagram cookies must include sessionid: copy them from a browser that is logged in to instagram.com');
  }
  return { kind: 'cookies', cookies: [...byName.values()] };
}

const iso = (seconds: number): string | undefined => (Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined);

/** `Cookie:` header text: `sessionid=…; csrftoken=…; ds_user_id=…`, with or without the header name. */
function fromHeader(text: string): SessionCookie[] {
  return text
    .replace(/^cookie:\s*/i, '')
    .split(';')
    .flatMap((part) => {
      const eq = part.indexOf('=');
      return eq > 0 ? [{ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() }] : [];
    });
}

/** Netscape cookies.txt: domain, subdomains flag, path, secure, expiry (unix s), name, value; tab-separated. */
function fromNetscape(text: string): SessionCookie[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const httpOnly = line.startsWith('#HttpOnly_');
    if ((line.startsWith('#') && !httpOnly) || line.trim() === '') return [];
    const fields = (httpOnly ? line.slice('#HttpOnly_'.length) : line).split('\t');
    if (fields.length < 7) return [];
    const [domain, , path, secure, expires, name, value] = fields;
    return [{ name, value: value.trim(), domain, path, secure: secure.toUpperCase() === 'TRUE', httpOnly, expiresAt: iso(Number(expires)) }];
  });
}

/** The JSON browser cookie extensions export: objects with name, value, domain, path, expirationDate or expires. */
function fromJson(value: unknown): SessionCookie[] {
  if (!Array.isArray(value)) throw new CookieInputError('a JSON cookie export must be an array of cookies');
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const cookie = entry as Record<string, unknown>;
    if (typeof cookie.name !== 'string' || typeof cookie.value !== 'string') return [];
    const expiry = typeof cookie.expirationDate === 'number' ? cookie.expirationDate : typeof cookie.expires === 'number' ? cookie.expires : NaN;
    return [{
      name: cookie.name,
      value: cookie.value,
      domain: typeof cookie.domain === 'string' ? cookie.domain : undefined,
      path: typeof cookie.path === 'string' ? cookie.path : undefined,
      secure: cookie.secure === true,
      httpOnly: cookie.httpOnly === true,
      expiresAt: iso(expiry),
    }];
  });
}

/**
 * Reads the session a user copied from their browser, in any of the forms browsers and their extensions
 * give it out: a JSON array (or its text), Netscape cookies.txt, a Cookie header, or the bare sessionid.
 * Only instagram.com cookies are kept; sessionid is required. A password is never asked for.
 */
export function parseInstagramCookies(input: unknown): SessionCookies {
  if (Array.isArray(input)) return checked(fromJson(input));
  if (typeof input !== 'string' || input.trim() === '') throw new CookieInputError('paste the cookies of a logged-in instagram.com browser session');
  const text = input.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CookieInputError('the cookies look like JSON but do not parse');
    }
    return checked(fromJson(parsed));
  }
  if (text.includes('\t')) return checked(fromNetscape(text));
  if (text.includes('=')) return checked(fromHeader(text));
  // A bare value: the sessionid alone, as the spec's accessToken field carries it.
  return checked([{ name: 'sessionid', value: text }]);
}
