import type { ExportOptions } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, MediaReference, Page } from '../adapter/collection';
import type { OAuthTokens } from '../adapter/credentials';
import { PlatformAdapter, type ExpiredMedia } from '../adapter/platform-adapter';
import { CredentialsRejectedError, MalformedResponseError } from '../errors';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { arrayField, asRecord, numberField, stringField } from '../json-shape';
import { FacebookExport } from './facebook-export';
import { FacebookGraph } from './facebook-graph';
import { mediaLinkExpired } from './facebook-media-links';
import { FacebookLogin } from './facebook-oauth';
import { classifyFacebookResponse } from './facebook-responses';
import { FACEBOOK_DESCRIPTOR } from './facebook.descriptor';
import { FACEBOOK_OPTIONS, type FacebookOptions } from './facebook.options';
import { FACEBOOK_VIEWS } from './facebook.views';

/** A token with less than this left is exchanged for a long-lived one when it is checked. */
const LONG_LIVED_AFTER_MS = 7 * 86_400_000;

/** What debug_token says of a user token. */
interface TokenDebug {
  valid: boolean;
  appId?: string;
  userId?: string;
  scopes: string[];
  /** Unset when Meta says 0 (the token does not expire). */
  expiresAt?: Date;
  dataAccessExpiresAt?: Date;
  error?: string;
}

const fromUnix = (seconds: number | undefined): Date | undefined => (seconds ? new Date(seconds * 1000) : undefined);

/**
 * Facebook through the Graph API with Facebook Login: connect (FacebookLogin), the token check
 * (debug_token, then /me), and the export collections of FacebookExport (profile, posts, photos,
 * tagged photos, albums, videos, likes, friends). Every call carries appsecret_proof when the app
 * secret is configured. There is no refresh grant and no revoke: a token ends by expiring.
 */
@Injectable()
export class FacebookAdapter extends PlatformAdapter {
  readonly descriptor = FACEBOOK_DESCRIPTOR;
  override readonly views = FACEBOOK_VIEWS;
  override readonly oauth: FacebookLogin;
  private readonly client: PlatformHttpClient;
  private readonly graph: FacebookGraph;
  private readonly exporter: FacebookExport;

  constructor(@Inject(FACEBOOK_OPTIONS) private readonly options: FacebookOptions, clients: PlatformHttpClientFactory) {
    super();
    this.client = clients.create({ platform: 'facebook', baseUrl: options.graphUrl, classify: classifyFacebookResponse });
    this.oauth = new FacebookLogin(options, this.client);
    this.graph = new FacebookGraph(this.client, options.appSecret);
    this.exporter = new FacebookExport(this.graph, options.slowdownMs);
  }

  override collections(options: ExportOptions): CollectionPlan[] {
    return this.exporter.plans(options);
  }

  override pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    return this.exporter.pages(ctx, plan, from);
  }

  /** A link that expired before it was downloaded: the object read again from the Graph signs a fresh one. */
  override async renewMedia(ctx: PlatformCallContext, { collection, item, index, error }: ExpiredMedia): Promise<MediaReference | undefined> {
    const expired = item.media?.[index];
    if (!expired || !mediaLinkExpired(expired.url, error)) return undefined;
    const fresh = (await this.exporter.reread(ctx, collection, item.id))?.media?.[index];
    return fresh && fresh.kind === expired.kind ? fresh : undefined;
  }

  /**
   * debug_token for what the token is (this app's, valid, its permissions, when it and its data access
   * expire), then /me for whose it is. A token with under a week left (one pasted from the Graph API
   * Explorer, say) is first exchanged for a long-lived one and stored. The expiry reported is the
   * earlier of the token's and its data access's: after either, the export stops working.
   */
  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    let tokens = await this.oauthTokens(ctx);
    let debug: TokenDebug | undefined;
    if (this.oauth.configured) {
      debug = await this.debugToken(tokens.accessToken, ctx.signal);
      if (!debug.valid) throw new CredentialsRejectedError('facebook', 'rejected', debug.error ?? 'debug_token says the token is not valid');
      if (debug.appId !== this.options.appId) throw new CredentialsRejectedError('facebook', 'foreign_client', 'the token was issued to another Meta app');
      const left = debug.expiresAt ? debug.expiresAt.getTime() - Date.now() : undefined;
      if (left !== undefined && left < LONG_LIVED_AFTER_MS) {
        tokens = { ...(await this.oauth.longLived(tokens.accessToken, ctx.signal)), scopes: debug.scopes };
        await ctx.credentials.save(tokens);
        debug = await this.debugToken(tokens.accessToken, ctx.signal);
      }
    }
    const { body: me } = await this.graph.get(ctx, 'me', 'me', { fields: 'id,name' });
    const accountId = stringField(me, 'id');
    if (!accountId) throw new MalformedResponseError('facebook', 'me', 'the answer has no id');
    if (debug?.userId && debug.userId !== accountId) throw new CredentialsRejectedError('facebook', 'rejected', 'debug_token and /me disagree on the user');
    const expiries = [debug?.expiresAt, debug?.dataAccessExpiresAt].filter((date): date is Date => date !== undefined);
    const tokenExpiry = expiries.length > 0 ? new Date(Math.min(...expiries.map((date) => date.getTime()))) : undefined;
    if (debug) await this.remember(ctx, tokens, debug.scopes, tokenExpiry);
    return { accountId, name: stringField(me, 'name') ?? accountId, scopes: debug?.scopes ?? [], tokenExpiry };
  }

  private async oauthTokens(ctx: PlatformCallContext): Promise<OAuthTokens> {
    const credentials = await ctx.credentials.load();
    if (credentials.kind !== 'oauth') throw new CredentialsRejectedError('facebook', 'wrong_kind', 'Facebook needs an access token');
    return credentials;
  }

  /** GET /debug_token with the app token (`<app id>|<app secret>`): outside any connection's quota. */
  private async debugToken(accessToken: string, signal: AbortSignal): Promise<TokenDebug> {
    const body = await this.client.sendJson(
      { operation: 'debug_token', url: 'debug_token', query: { input_token: accessToken, access_token: `${this.options.appId}|${this.options.appSecret}` } },
      signal,
    );
    const data = asRecord(asRecord(body)?.data);
    if (!data) throw new MalformedResponseError('facebook', 'debug_token', 'the answer has no data');
    const error = asRecord(data.error);
    return {
      valid: data.is_valid === true,
      appId: stringField(data, 'app_id'),
      userId: stringField(data, 'user_id'),
      scopes: (arrayField(data, 'scopes') ?? []).filter((scope): scope is string => typeof scope === 'string'),
      expiresAt: fromUnix(numberField(data, 'expires_at')),
      dataAccessExpiresAt: fromUnix(numberField(data, 'data_access_expires_at')),
      error: error ? `${stringField(error, 'message') ?? 'invalid'} (code ${numberField(error, 'code') ?? '?'}${numberField(error, 'subcode') ? `/${numberField(error, 'subcode')}` : ''})` : undefined,
    };
  }

  /** Stores the expiry and permissions Meta reported, so status can warn before the connection ends. */
  private async remember(ctx: PlatformCallContext, checked: OAuthTokens, scopes: string[], expiry: Date | undefined): Promise<void> {
    const current = await ctx.credentials.load();
    if (current.kind !== 'oauth' || current.accessToken !== checked.accessToken) return;
    const expiresAt = expiry?.toISOString() ?? current.expiresAt;
    if (expiresAt === current.expiresAt && scopes.join(' ') === (current.scopes ?? []).join(' ')) return;
    await ctx.credentials.save({ ...current, expiresAt, scopes });
  }
}
