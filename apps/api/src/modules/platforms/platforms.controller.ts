import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError, invalidFormat } from '../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { ResponseMessage } from '../../common/response-message.decorator';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.token';
import { AuthUser, CurrentUser } from '../auth';
import { ConnectPlatformDto } from './dto/connect-platform.dto';
import { AuthorizationUrlView, PlatformStatusView, PlatformView } from './dto/platform-views.dto';
import { OAuthConnectService } from './oauth/oauth-connect.service';
import { PlatformsService } from './platforms.service';

@ApiTags('platforms')
@Controller('platforms')
export class PlatformsController {
  constructor(
    private readonly platforms: PlatformsService,
    private readonly oauth: OAuthConnectService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The platforms this server can export from, with their formats and features. */
  @Public()
  @Get()
  @ApiEnvelope(PlatformView, { isArray: true })
  catalogue(): PlatformView[] {
    return this.platforms.catalogue();
  }

  /** Stores the platform's tokens after checking them with the platform. Connecting again replaces them. */
  @Post(':platform/connect')
  @HttpCode(200)
  @ApiBearerAuth()
  @ResponseMessage('Platform connected successfully')
  @ApiEnvelope(null)
  @ApiErrors(
    [400, 'Missing or malformed tokens'],
    [401, 'Not signed in'],
    [404, 'Unknown platform'],
    [422, 'The platform rejected the tokens'],
    [502, 'The platform could not be reached'],
    [503, 'The platform is not configured on this server'],
  )
  async connect(@CurrentUser() user: AuthUser, @Param('platform') platform: string, @Body() body: ConnectPlatformDto): Promise<void> {
    const adapter = this.platforms.adapter(platform);
    if (adapter.descriptor.authType !== 'oauth') throw invalidFormat(`${adapter.descriptor.displayName} is not connected with OAuth tokens`);
    await this.platforms.connect(user.id, platform, { kind: 'oauth', accessToken: body.accessToken, refreshToken: body.refreshToken });
  }

  /** Deletes the stored tokens and revokes them at the platform. */
  @Post(':platform/disconnect')
  @HttpCode(200)
  @ApiBearerAuth()
  @ResponseMessage('Platform disconnected successfully')
  @ApiEnvelope(null)
  @ApiErrors([401, 'Not signed in'], [404, 'Unknown platform'])
  async disconnect(@CurrentUser() user: AuthUser, @Param('platform') platform: string): Promise<void> {
    await this.platforms.disconnect(user.id, platform);
  }

  /** Connection state, token expiry, granted permissions and quota use. */
  @Get(':platform/status')
  @ApiBearerAuth()
  @ApiEnvelope(PlatformStatusView)
  @ApiErrors([401, 'Not signed in'], [404, 'Unknown platform'])
  status(@CurrentUser() user: AuthUser, @Param('platform') platform: string): Promise<PlatformStatusView> {
    return this.platforms.status(user.id, platform);
  }

  /**
   * Starts connecting through the platform's consent screen: redirects there, or with `mode=json`
   * answers the URL (for apps that navigate themselves).
   */
  @Get(':platform/oauth')
  @ApiBearerAuth()
  @ApiQuery({ name: 'mode', required: false, enum: ['redirect', 'json'] })
  @ApiEnvelope(AuthorizationUrlView, { description: 'With mode=json; otherwise a 302 to the consent screen' })
  @ApiErrors([401, 'Not signed in'], [404, 'Unknown platform'], [503, 'OAuth is not configured on this server'])
  async startOAuth(
    @CurrentUser() user: AuthUser,
    @Param('platform') platform: string,
    @Res({ passthrough: true }) response: Response,
    @Query('mode') mode?: string,
  ): Promise<AuthorizationUrlView | undefined> {
    if (mode !== undefined && mode !== 'json' && mode !== 'redirect') throw invalidFormat('mode must be json or redirect');
    const authorizationUrl = await this.oauth.authorizationUrl(user.id, platform);
    if (mode === 'json') return { authorizationUrl };
    response.redirect(302, authorizationUrl);
    return undefined;
  }

  /**
   * Where the platform sends the browser back. With FRONTEND_URL it redirects there with
   * `#platform=…&connected=true` or `#platform=…&error=<code>`; without one it answers JSON.
   */
  @Public()
  @Get(':platform/oauth/callback')
  @ApiEnvelope(null, { description: 'Without FRONTEND_URL; otherwise a 302 to it' })
  @ApiErrors([400, 'Unknown, used or expired state, or a refused code'], [404, 'Unknown platform'], [422, 'The platform rejected the tokens'])
  async finishOAuth(
    @Param('platform') platform: string,
    @Res({ passthrough: true }) response: Response,
    @Query('code') code?: string,
    @Query('state') state?: string,
    @Query('error') error?: string,
  ): Promise<{ platform: string; connected: true } | undefined> {
    const { frontendUrl } = this.config;
    try {
      await this.oauth.complete(platform, { code, state, error });
    } catch (failure) {
      // The browser came here from the platform's consent screen: send it back to the app with
      // the error code rather than leaving it on a JSON page.
      if (!frontendUrl || !(failure instanceof ApiError)) throw failure;
      response.redirect(302, `${frontendUrl}/#platform=${encodeURIComponent(platform)}&error=${failure.code}`);
      return undefined;
    }
    if (!frontendUrl) return { platform, connected: true };
    response.redirect(302, `${frontendUrl}/#platform=${encodeURIComponent(platform)}&connected=true`);
    return undefined;
  }
}
