import { Controller, Get, HttpStatus, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SuccessEnvelope } from '@app/contracts';
import type { Request, Response } from 'express';
import { ApiError, invalidFormat } from '../../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../../common/openapi/api-envelope.decorator';
import { Public } from '../../../common/public.decorator';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { AuthUser, CurrentUser } from '../../auth';
import { AuthorizationUrlView, OAuthConnectedView } from '../dto/platform-views.dto';
import { PlatformsService } from '../platforms.service';
import { CALLBACK_PAGE_CSP, callbackPage } from './oauth-callback-page';
import { OAuthConnectService } from './oauth-connect.service';

/**
 * Connecting a platform through its consent screen, for every platform whose adapter has the OAuth
 * capability. Both routes write their answer themselves (a redirect, JSON or a page), so nothing
 * else tries to send a second one.
 */
@ApiTags('platforms')
@Controller('platforms')
export class PlatformOAuthController {
  constructor(
    private readonly oauth: OAuthConnectService,
    private readonly platforms: PlatformsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Starts connecting through the platform's consent screen and binds the flow to this browser with
   * an HttpOnly cookie for the callback. Redirects to the consent screen, or with `mode=json` answers
   * its URL: an SPA fetches this same-origin with its bearer token (which stores the cookie), then
   * navigates to the URL. The URL only works in the browser that fetched it.
   */
  @Get(':platform/oauth')
  @ApiBearerAuth()
  @ApiQuery({ name: 'mode', required: false, enum: ['redirect', 'json'] })
  @ApiResponse({ status: 302, description: 'Without mode=json: redirect to the consent screen' })
  @ApiEnvelope(AuthorizationUrlView, { description: 'With mode=json: the consent-screen URL' })
  @ApiErrors(
    [400, 'Bad mode, or a platform that does not connect through a consent screen'],
    [401, 'Not signed in'],
    [404, 'Unknown platform'],
    [503, 'OAuth is not configured on this server'],
  )
  async startOAuth(
    @CurrentUser() user: AuthUser,
    @Param('platform') platform: string,
    @Res() response: Response,
    @Query('mode') mode?: unknown,
  ): Promise<void> {
    if (mode !== undefined && mode !== 'json' && mode !== 'redirect') throw invalidFormat('mode must be json or redirect');
    const authorizationUrl = await this.oauth.start(user.id, platform, response);
    if (mode !== 'json') {
      response.redirect(HttpStatus.FOUND, authorizationUrl);
      return;
    }
    const envelope: SuccessEnvelope<AuthorizationUrlView> = { success: true, data: { authorizationUrl } };
    response.status(HttpStatus.OK).json(envelope);
  }

  /**
   * Where the platform sends the browser back. Connects only in the browser that started the flow.
   * With FRONTEND_URL it redirects there with `#platform=…&connected=true` or `#platform=…&error=<code>`;
   * without one a browser gets a page saying what happened, other clients JSON.
   */
  @Public()
  @Get(':platform/oauth/callback')
  @ApiQuery({ name: 'code', type: String, required: false, description: 'Authorization code from the platform' })
  @ApiQuery({ name: 'state', type: String, required: false, description: 'The state this server issued' })
  @ApiQuery({ name: 'error', type: String, required: false, description: 'Set by the platform when the user declined' })
  @ApiResponse({ status: 302, description: 'With FRONTEND_URL: redirect to it with the outcome in the fragment' })
  @ApiEnvelope(OAuthConnectedView, {
    description: 'Connected (without FRONTEND_URL). A browser (Accept: text/html) gets an HTML page instead, for errors too',
  })
  @ApiErrors(
    [400, 'Unknown, used, expired or malformed state; a browser other than the one that started; a refused code or consent'],
    [404, 'Unknown platform'],
    [422, 'The platform rejected the tokens'],
    [502, 'The platform could not be reached'],
    [503, 'OAuth is not configured on this server'],
  )
  async finishOAuth(@Param('platform') platform: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { code, state, error } = request.query;
    const { frontendUrl } = this.config;
    const page = !frontendUrl && request.accepts(['json', 'html']) === 'html';
    try {
      await this.oauth.complete(platform, { code, state, error }, request, response);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      if (frontendUrl) {
        response.redirect(HttpStatus.FOUND, `${frontendUrl}/#platform=${encodeURIComponent(platform)}&error=${failure.code}`);
        return;
      }
      if (!page) throw failure;
      const platformName = this.platformName(platform);
      response
        .status(failure.getStatus())
        .type('html')
        .set('Content-Security-Policy', CALLBACK_PAGE_CSP)
        .send(callbackPage({ kind: 'refused', platformName, code: failure.code, message: failure.message }));
      return;
    }
    if (frontendUrl) {
      response.redirect(HttpStatus.FOUND, `${frontendUrl}/#platform=${encodeURIComponent(platform)}&connected=true`);
    } else if (page) {
      response.status(HttpStatus.OK).type('html').set('Content-Security-Policy', CALLBACK_PAGE_CSP).send(callbackPage({ kind: 'connected', platformName: this.platformName(platform) }));
    } else {
      const envelope: SuccessEnvelope<OAuthConnectedView> = { success: true, data: { platform, connected: true } };
      response.status(HttpStatus.OK).json(envelope);
    }
  }

  /** The display name for a page; an unknown platform (404) is named as it was asked for. */
  private platformName(platform: string): string {
    try {
      return this.platforms.adapter(platform).descriptor.displayName;
    } catch {
      return platform.slice(0, 40);
    }
  }
}
