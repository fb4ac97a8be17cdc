import type { ExportOptions } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountInfo } from '../adapter/account-info';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import type { OAuthTokens } from '../adapter/credentials';
import type { OAuthConnectCapability } from '../adapter/oauth-connect';
import { PlatformAdapter, type ExportEstimate } from '../adapter/platform-adapter';
import { CredentialsRejectedError, ProviderNotConfiguredError } from '../errors';
import { GoogleOAuthClient, type GoogleTokenInfo } from '../google/google-oauth.client';
import type { PlatformHttpClient } from '../http/platform-http-client';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { asRecord, stringField } from '../json-shape';
import { YouTubeApi } from './youtube-api';
import { YouTubeExport } from './youtube-export';
import { YouTubeOAuth } from './youtube-oauth';
import { classifyYouTubeResponse } from './youtube-responses';
import { YOUTUBE_DESCRIPTOR, YOUTUBE_READ_SCOPES } from './youtube.descriptor';
import { YOUTUBE_OPTIONS, type YouTubeOptions } from './youtube.options';
import { YOUTUBE_VIEWS } from './youtube.views';

/**
 * YouTube through the Data API v3 with Google OAuth: connect (YouTubeOAuth), identity, refresh and revoke, and the export
 * collections of YouTubeExport (profile, videos, playlists, playlist-items, comments, subscriptions).
 */
@Injectable()
export class YouTubeAdapter extends PlatformAdapter {
  readonly descriptor = YOUTUBE_DESCRIPTOR;
  override readonly views = YOUTUBE_VIEWS;
  override readonly oauth: OAuthConnectCapability;
  private readonly client: PlatformHttpClient;
  private readonly api: YouTubeApi;
  private readonly google: GoogleOAuthClient;
  private readonly exporter: YouTubeExport;

  constructor(@Inject(YOUTUBE_OPTIONS) options: YouTubeOptions, clients: PlatformHttpClientFactory) {
    super();
    this.google = new GoogleOAuthClient('youtube', options.google, clients);
    this.oauth = new YouTubeOAuth(this.google);
    this.client = clients.create({
      platform: 'youtube',
      baseUrl: options.apiUrl,
      classify: classifyYouTubeResponse,
      refresh: (tokens, signal) => this.google.refresh(tokens, signal),
    });
    this.api = new YouTubeApi(this.client);
    this.exporter = new YouTubeExport(this.api, options.watchUrl);
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
    return this.google.refresh(tokens, signal ?? new AbortController().signal);
  }

  /** Revokes the grant; the refresh token when there is one, since that takes the access tokens with it. */
  override revoke(tokens: OAuthTokens, signal?: AbortSignal): Promise<void> {
    return this.google.revoke(tokens.refreshToken ?? tokens.accessToken, signal ?? new AbortController().signal);
  }

  /**
   * Google's tokeninfo for what the token really is (audience, scopes, expiry), then
   * `channels.list?mine=true` (1 unit) for whose channel it opens. userinfo would not do: it needs the
   * openid/profile scopes, which the YouTube grant does not ask for, and it says nothing of scopes or
   * expiry. An expired access token is refreshed once on the way. The channel is asked for with every
   * part an export uses and remembered, so an export that starts with this check reads it only once.
   */
  async verifyCredentials(ctx: PlatformCallContext): Promise<AccountInfo> {
    const clientId = this.google.clientId;
    if (!clientId) {
      throw new ProviderNotConfiguredError('youtube', 'GOOGLE_CLIENT_ID is needed to check YouTube tokens');
    }
    let tokens = await this.oauthTokens(ctx);
    let info = await this.google.tokenInfo(tokens.accessToken, ctx.signal);
    if (!info) {
      tokens = await this.client.renewCredentials(ctx, tokens);
      info = await this.google.tokenInfo(tokens.accessToken, ctx.signal);
      if (!info) throw new CredentialsRejectedError('youtube', 'rejected_after_refresh', 'tokeninfo refused the new token');
    }
    // A token minted for another app would let that app's grant pass as ours (token substitution).
    if (info.audience !== clientId && info.authorizedParty !== clientId) {
      throw new CredentialsRejectedError('youtube', 'foreign_client', 'the token was issued to another OAuth client');
    }
    if (!info.scopes.some((scope) => YOUTUBE_READ_SCOPES.includes(scope))) {
      throw new CredentialsRejectedError('youtube', 'insufficient_scope', `granted: ${info.scopes.join(' ') || 'none'}`);
    }

    const channel = await this.api.channel(ctx);
    const accountId = channel.id as string; // checked by the list reader
    const snippet = asRecord(channel.snippet);

    const current = await this.rememberTokenInfo(ctx, tokens, info);
    return {
      accountId,
      name: stringField(snippet, 'title') ?? accountId,
      handle: stringField(snippet, 'customUrl'),
      scopes: info.scopes,
      tokenExpiry: current?.expiresAt ? new Date(current.expiresAt) : info.expiresAt,
    };
  }

  private async oauthTokens(ctx: PlatformCallContext): Promise<OAuthTokens> {
    const credentials = await this.client.currentCredentials(ctx);
    if (credentials.kind !== 'oauth') throw new CredentialsRejectedError('youtube', 'wrong_kind', 'YouTube needs OAuth tokens');
    return credentials;
  }

  /**
   * Tokens pasted into the connect endpoint come without an expiry. Storing the one tokeninfo reported
   * lets later calls refresh before the token dies instead of spending a billed, refused request.
   * Returns the tokens now stored, which are newer than `checked` if channels.list had to refresh them.
   */
  private async rememberTokenInfo(
    ctx: PlatformCallContext,
    checked: OAuthTokens,
    info: GoogleTokenInfo,
  ): Promise<OAuthTokens | undefined> {
    const current = await ctx.credentials.load();
    if (current.kind !== 'oauth') return undefined;
    // Refreshed in the meantime: the new tokens carry their own expiry.
    if (current.accessToken !== checked.accessToken) return current;
    const remembered = { ...current, expiresAt: info.expiresAt?.toISOString() ?? current.expiresAt, scopes: info.scopes };
    const unchanged =
      remembered.expiresAt === current.expiresAt && info.scopes.join(' ') === (current.scopes ?? []).join(' ');
    if (!unchanged) await ctx.credentials.save(remembered);
    return remembered;
  }
}
