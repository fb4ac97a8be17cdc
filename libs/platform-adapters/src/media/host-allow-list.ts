import { isIP } from 'node:net';

/** One MEDIA_ALLOWED_HOSTS entry. */
export interface HostPattern {
  entry: string;
  /** Lower case, no brackets around IPv6, no trailing dot. */
  host: string;
  /** `*.ytimg.com`: any subdomain of `host`, not `host` itself. */
  wildcard: boolean;
  /** Undefined: the scheme's default port only. */
  port?: number;
  /** The entry names an address, not a name: the explicit way to allow a private address. */
  ipLiteral: boolean;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseHostPattern(raw: string): HostPattern {
  const entry = raw.trim().toLowerCase();
  const fail = (why: string): never => {
    throw new Error(`MEDIA_ALLOWED_HOSTS entry "${raw}" ${why}`);
  };
  if (entry === '') fail('is empty');
  if (/[/@?#\s]/.test(entry)) fail('must be a host pattern such as *.ytimg.com or 127.0.0.1:4100, not a URL');

  let host = entry;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (entry.split(':').length === 2) {
    [host, portText] = entry.split(':');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) fail('has an invalid port');
  }

  const wildcard = host.startsWith('*.');
  if (wildcard) host = host.slice(2);
  host = host.replace(/\.$/, '');
  const ipLiteral = isIP(host) !== 0;
  if (ipLiteral) {
    if (wildcard) fail('puts a wildcard on an IP address');
    // Written the way URLs are normalised (::1, not 0:0::1), so the comparison in match() holds.
    if (isIP(host) === 6) host = new URL(`http://[${host}]/`).hostname.slice(1, -1);
  } else {
    const labels = host.split('.');
    if (!labels.every((label) => LABEL.test(label))) fail('is not a valid host name');
    if (wildcard && labels.length < 2) fail('is a wildcard over a whole top-level domain');
  }
  return { entry: raw.trim(), host, wildcard, port, ipLiteral };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** MEDIA_ALLOWED_HOSTS, parsed once: which URLs media may be fetched from. */
export class HostAllowList {
  readonly patterns: HostPattern[];

  constructor(entries: readonly string[]) {
    const problems: string[] = [];
    const patterns: HostPattern[] = [];
    for (const entry of entries) {
      try {
        patterns.push(parseHostPattern(entry));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
    this.patterns = patterns;
  }

  /** The entry that allows this URL's host and port, if any. */
  match(url: URL): HostPattern | undefined {
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
    const isAddress = isIP(host) !== 0;
    return this.patterns.find((pattern) => {
      if ((pattern.port ?? DEFAULT_PORTS[url.protocol]) !== port) return false;
      if (pattern.wildcard) return !isAddress && host.endsWith(`.${pattern.host}`);
      return host === pattern.host;
    });
  }
}
