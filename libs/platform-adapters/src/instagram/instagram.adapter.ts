import type { ExportOptions } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import type { SessionCookies } from '../adapter/credentials';
import { PlatformAdapter } from '../adapter/platform-adapter';
import { CredentialsRejectedError } from '../errors';
import { stringField } from '../json-shape';
import { InstagramBrowser } from './instagram-browser';
import { InstagramExport } from './instagram-export';
import { idOf } from './instagram-records';
import { InstagramWeb } from './instagram-web';
import { parseInstagramCookies } from './instagram-cookies';
import { INSTAGRAM_DESCRIPTOR, INSTAGRAM_RISK_WARNING } from './instagram.descriptor';
import { INSTAGRAM_OPTIONS, type InstagramOptions } from './instagram.options';
import { INSTAGRAM_VIEWS } from './instagram.views';

/**
 * Instagram through its website, as a logged-in phone browser uses it: the user's session cookies in an
 * isolated Chromium context (InstagramBrowser), the web API called from that page one request at a time
 * with random pauses (InstagramWeb), and the collections of InstagramExport. There is no password and no
 * OAuth: a session that ends can only be replaced by the user connecting again with fresh cookies.
 */
@Injectable()
export class InstagramAdapter extends PlatformAdapter {
  readonly descriptor = INSTAGRAM_DESCRIPTOR;
  override readonly views = INSTAGRAM_VIEWS;
  override readonly connectWarnings = [INSTAGRAM_RISK_WARNING];
  private readonly web: InstagramWeb;
  private readonly exporter: InstagramExport;

  constructor(@Inject(INSTAGRAM_OPTIONS) options: InstagramOptions, browser: InstagramBrowser) {
    super();
    this.web = new InstagramWeb(options, browser);
    this.exporter = new InstagramExport(this.web, options.webUrl);
  }

  /** Opens the site with the cookies and reads the logged-in user; refreshed cookies are saved on the way. */
  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    const credentials = await ctx.credentials.load();
    if (credentials.kind !== 'cookies') throw new CredentialsRejectedError('instagram', 'wrong_kind', 'Instagram is connected with browser cookies');
    const user = await this.exporter.me(ctx);
    const session = (await ctx.credentials.load()) as typeof credentials;
    const expiry = session.cookies.find((cookie) => cookie.name === 'sessionid')?.expiresAt;
    return {
      accountId: idOf(user, 'pk') as string,
      name: stringField(user, 'full_name') || (stringField(user, 'username') ?? (idOf(user, 'pk') as string)),
      handle: stringField(user, 'username'),
      scopes: [],
      ...(expiry ? { tokenExpiry: new Date(expiry) } : {}),
    };
  }

  /** A Cookie header, Netscape cookies.txt, a browser extension's JSON array, or the bare sessionid. */
  override parseSession(input: unknown): SessionCookies {
    return parseInstagramCookies(input);
  }

  override collections(options: ExportOptions): CollectionPlan[] {
    return this.exporter.plans(options);
  }

  override pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    return this.exporter.pages(ctx, plan, from);
  }
}
