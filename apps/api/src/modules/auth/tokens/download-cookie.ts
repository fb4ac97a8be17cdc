import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';

const NAME = 'star_export_download';
/** Browsers send it to the export routes only, and of those only the archive download reads it. */
const PATH = '/api/export';

/**
 * A browser that navigates to a download (the spec's own client sets `window.location.href =
 * '/api/export/<id>/download'`) cannot add an Authorization header. Every sign-in and refresh
 * therefore also hands the access token over as an HttpOnly, SameSite=Strict cookie that lives as
 * long as the token. Every other route ignores cookies, so a forged cross-site request gains nothing.
 */
@Injectable()
export class DownloadCookie {
  private readonly options: CookieOptions;
  private readonly maxAgeMs: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.options = { httpOnly: true, sameSite: 'strict', secure: config.publicUrl.startsWith('https:'), path: PATH };
    this.maxAgeMs = config.jwt.accessTtlSeconds * 1000;
  }

  set(response: Response, accessToken: string): void {
    response.cookie(NAME, accessToken, { ...this.options, maxAge: this.maxAgeMs });
  }

  clear(response: Response): void {
    response.clearCookie(NAME, this.options);
  }

  /** The access token the request's cookie carries, if any. */
  static read(request: Request): string | undefined {
    for (const pair of (request.headers.cookie ?? '').split(';')) {
      const separator = pair.indexOf('=');
      if (separator > 0 && pair.slice(0, separator).trim() === NAME) return pair.slice(separator + 1).trim();
    }
    return undefined;
  }
}
