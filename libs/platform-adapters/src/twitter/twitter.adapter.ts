import type { ExportOptions } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import type { OAuthTokens } from '../adapter/credentials';
import { PlatformAdapter, type ExportEstimate } from '../adapter/platform-adapter';
import { CredentialsRejectedError } from '../errors';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import type { PlatformResponse, ResponseVerdict } from '../http/platform-response';
import { xRateLimitHook } from '../http/rate-limit-headers';
import { stringField } from '../json-shape';
import { TwitterExport } from './twitter-export';
import { TwitterOAuth } from './twitter-oauth';
import { twitterDescriptor } from './twitter.descriptor';
import { TWITTER_OPTIONS, type TwitterOptions } from './twitter.options';
import { TWITTER_VIEWS } from './twitter.views';

/** Token endpoint answers in the 4xx range are OAuth errors for TwitterOAuth to read; 429 and 5xx as usual. */
function passOAuthErrorsThrough(response: PlatformResponse): ResponseVerdict | undefined {
  const { status } = response;
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? { kind: 'ok' } : undefined;
}

/**
 * X through API v2 with OAuth 2.0 (PKCE, rotating refresh tokens): connect, identity, refresh and revoke,
 * and the collections of TwitterExport. Reads are paid per resource, so the ledger's bucket is a monthly
 * budget in micro-dollars (TWITTER_MONTHLY_BUDGET_USD); the 15-minute windows are read from the
 * x-rate-limit-* headers of every answer, and a spent window pauses the connection until its reset.
 */
@Injectable()
export class TwitterAdapter extends PlatformAdapter {
  readonly descriptor;
  override readonly views = TWITTER_VIEWS;
  override readonly oauth: TwitterOAuth;
  private readonly client: PlatformHttpClient;
  private readonly exporter: TwitterExport;

  constructor(@Inject(TWITTER_OPTIONS) options: TwitterOptions, clients: PlatformHttpClientFactory) {
    super();
    this.descriptor = twitterDescriptor(options.monthlyBudgetMicros);
    const tokenClient = clients.create({ platform: 'twitter', baseUrl: options.tokenUrl, extraUrls: [options.revokeUrl], classify: passOAuthErrorsThrough });
    this.oauth = new TwitterOAuth(options, tokenClient);
    this.client = clients.create({
      platform: 'twitter',
      baseUrl: options.apiUrl,
      rateLimit: xRateLimitHook,
      refresh: (tokens, signal) => this.oauth.refresh(tokens, signal),
    });
    this.exporter = new TwitterExport(this.client, options.ownedReadMicros);
  }

  override collections(options: ExportOptions): CollectionPlan[] {
    return this.exporter.plans(options);
  }

  override estimate(ctx: PlatformCallContext, options: ExportOptions): Promise<ExportEstimate> {
    return this.exporter.estimate(ctx, options);
  }

  override pages(ctx: PlatformCallContext, plan: CollectionPlan, from?: Cursor): AsyncIterable<Page> {
    return this.exporter.pages(ctx, plan, from);
  }

  override refresh(tokens: OAuthTokens, signal?: AbortSignal): Promise<OAuthTokens> {
    return this.oauth.refresh(tokens, signal ?? new AbortController().signal);
  }

  override revoke(tokens: OAuthTokens, signal?: AbortSignal): Promise<void> {
    return this.oauth.revoke(tokens, signal ?? new AbortController().signal);
  }

  /** `GET /2/users/me`: whose tokens these are (an expired token is refreshed on the way). */
  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    const credentials = await this.client.currentCredentials(ctx);
    if (credentials.kind !== 'oauth') throw new CredentialsRejectedError('twitter', 'wrong_kind', 'X needs OAuth tokens');
    const me = await this.exporter.me(ctx);
    const current = await ctx.credentials.load();
    const tokens = current.kind === 'oauth' ? current : credentials;
    return {
      accountId: me.id as string,
      name: stringField(me, 'name') ?? (me.id as string),
      handle: stringField(me, 'username'),
      scopes: tokens.scopes ?? [],
      tokenExpiry: tokens.expiresAt ? new Date(tokens.expiresAt) : undefined,
    };
  }
}
