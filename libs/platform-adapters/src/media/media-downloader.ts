import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { MediaDownloadError, MediaRefusedError, MediaTooLargeError } from '../errors';
import { abortReason } from '../http/http-policy';
import { MEDIA_OPTIONS } from '../platform-adapters.tokens';
import { isPublicAddress } from './address-policy';
import { HostAllowList } from './host-allow-list';
import type { MediaFileFetcher } from './media-file-fetcher';
import type { MediaOptions } from './media.options';

export interface MediaDownloadRequest {
  url: string;
  /** Final path; the file is written to `<destination>.part` and renamed when complete. */
  destination: string;
  signal?: AbortSignal;
  /** Overrides the module's cap for this file. */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface MediaDownloadResult {
  bytes: number;
  /** Hex. */
  sha256: string;
  /** As the server declared it; `application/octet-stream` when it did not. */
  contentType: string;
  /** Where the file came from after redirects (origin and path only). */
  finalUrl: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_REDIRECTS = 5;

/**
 * Downloads media files named in platform responses, which makes every URL attacker-influenced. So:
 * http(s) only, no credentials in the URL, host on MEDIA_ALLOWED_HOSTS, and the address DNS gives is
 * checked inside the connection's own lookup (resolve, check, connect to exactly that address: no gap
 * for DNS rebinding) and refused when private, loopback or link-local. Only an IP-literal allow-list
 * entry opens a private address. Every redirect hop goes through the same checks, up to maxRedirects.
 * Size and time are capped, the caller's AbortSignal is honoured, and a failed download leaves no file.
 */
@Injectable()
export class MediaDownloader implements MediaFileFetcher, OnModuleDestroy {
  private readonly allowList: HostAllowList;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  // Own connection pools, so every pooled socket was opened through guardedLookup.
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(@Inject(MEDIA_OPTIONS) options: MediaOptions) {
    this.allowList = new HostAllowList(options.allowedHosts);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async download(request: MediaDownloadRequest): Promise<MediaDownloadResult> {
    const maxBytes = request.maxBytes ?? this.maxBytes;
    const deadline = AbortSignal.timeout(request.timeoutMs ?? this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;

    let url = this.checkUrl(request.url);
    for (let hop = 0; ; hop++) {
      const response = await this.get(url, signal, request.signal);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        const location = response.headers.location;
        response.destroy();
        if (!location) throw new MediaDownloadError(shown(url), `HTTP ${status} without a Location`, status);
        if (hop >= this.maxRedirects) {
          throw new MediaRefusedError(shown(url), 'too_many_redirects', `more than ${this.maxRedirects} redirects`);
        }
        const next = this.checkUrl(new URL(location, url).toString());
        if (url.protocol === 'https:' && next.protocol === 'http:') {
          throw new MediaRefusedError(shown(next), 'insecure_redirect', 'redirect from https to http');
        }
        url = next;
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new MediaDownloadError(shown(url), `HTTP ${status}`, status);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.destroy();
        throw new MediaTooLargeError(shown(url), maxBytes);
      }
      return this.save(response, url, request.destination, maxBytes, signal, request.signal);
    }
  }

  /** The static checks, before anything is sent: scheme, credentials, allow-list. */
  private checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new MediaRefusedError('(unparseable URL)', 'scheme', 'not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new MediaRefusedError(`${url.protocol}…`, 'scheme', `${url.protocol} URLs are never fetched`);
    }
    if (url.username !== '' || url.password !== '') {
      throw new MediaRefusedError(shown(url), 'credentials', 'URLs with credentials are never fetched');
    }
    if (!this.allowList.match(url)) {
      throw new MediaRefusedError(shown(url), 'host_not_allowed', `${url.host} is not on MEDIA_ALLOWED_HOSTS`);
    }
    return url;
  }

  private get(url: URL, signal: AbortSignal, callerSignal: AbortSignal | undefined): Promise<IncomingMessage> {
    // An IP literal in the URL is never looked up; it passed the allow-list only by an IP-literal entry,
    // which is the explicit permission a private address needs, so it is not checked again here.
    const secure = url.protocol === 'https:';
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method: 'GET',
          agent: secure ? this.httpsAgent : this.httpAgent,
          lookup: guardedLookup(shown(url)),
          headers: { accept: '*/*', 'user-agent': 'StarExport' },
          signal,
        },
        resolve,
      );
      request.on('error', (error) => reject(this.failure(error, url, signal, callerSignal)));
      request.end();
    });
  }

  private async save(
    response: IncomingMessage,
    url: URL,
    destination: string,
    maxBytes: number,
    signal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<MediaDownloadResult> {
    const part = `${destination}.part`;
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          done(new MediaTooLargeError(shown(url), maxBytes));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await mkdir(dirname(destination), { recursive: true, mode: 0o700 });
      // A stale .part from a crashed run is replaced; `wx` then refuses to follow anything planted there.
      await rm(part, { force: true });
      await pipeline(response, meter, createWriteStream(part, { flags: 'wx', mode: 0o600 }), { signal });
      await rename(part, destination);
    } catch (error) {
      response.destroy();
      await rm(part, { force: true });
      throw this.failure(error, url, signal, callerSignal);
    }
    return {
      bytes,
      sha256: hash.digest('hex'),
      contentType: response.headers['content-type'] ?? 'application/octet-stream',
      finalUrl: shown(url),
    };
  }

  /** Our own errors pass through; cancellation gives the caller's reason; the rest becomes MediaDownloadError. */
  private failure(error: unknown, url: URL, signal: AbortSignal, callerSignal: AbortSignal | undefined): Error {
    if (callerSignal?.aborted) return abortReason(callerSignal);
    if (error instanceof MediaRefusedError || error instanceof MediaTooLargeError) return error;
    if (error instanceof MediaDownloadError) return error;
    if (signal.aborted) return new MediaDownloadError(shown(url), 'timed out', undefined, { cause: error });
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
    const detail = typeof code === 'string' ? code : typeof message === 'string' ? message : String(error);
    return new MediaDownloadError(shown(url), detail, undefined, { cause: error });
  }
}

/**
 * The connection's DNS lookup: resolves, refuses if any answer is not a public address (so a name cannot
 * be pointed at the metadata service or localhost), and hands exactly the checked addresses to connect.
 */
function guardedLookup(url: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses) => {
      if (error) {
        callback(error, '', undefined);
        return;
      }
      const list: LookupAddress[] = addresses;
      const blocked = list.find((entry) => !isPublicAddress(entry.address));
      if (blocked || list.length === 0) {
        const refusal = new MediaRefusedError(
          url,
          'private_address',
          `${hostname} resolves to ${blocked?.address ?? 'nothing'}, which is not a public address`,
        );
        callback(refusal, '', undefined);
        return;
      }
      if (options.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

/** Origin and path: what may appear in errors and manifests (query strings carry CDN signatures). */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
