import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { PlatformAdapter } from '@app/platform-adapters';
import { invalidFormat } from '../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { ResponseMessage } from '../../common/response-message.decorator';
import { AuthUser, CurrentUser } from '../auth';
import { ConnectPlatformDto } from './dto/connect-platform.dto';
import type { PlatformCredentials } from '@app/platform-adapters';
import { ConnectPlatformView, PlatformStatusView, PlatformView } from './dto/platform-views.dto';
import { PlatformsService } from './platforms.service';

/** A cookies.txt of a long browser session is a few kilobytes; far more is not a cookie export. */
const MAX_COOKIE_TEXT = 262_144;
const MAX_COOKIE_ENTRIES = 300;

@ApiTags('platforms')
@Controller('platforms')
export class PlatformsController {
  constructor(private readonly platforms: PlatformsService) {}

  /** The platforms this server can export from, with their formats and features. */
  @Public()
  @Get()
  @ApiEnvelope(PlatformView, { isArray: true })
  catalogue(): PlatformView[] {
    return this.platforms.catalogue();
  }

  /**
   * Stores the platform's tokens (or, on Instagram, the browser session's cookies) after checking them
   * with the platform. Connecting again replaces them. Platforms whose connection carries a risk for the
   * account answer with `data.warnings`.
   */
  @Post(':platform/connect')
  @HttpCode(200)
  @ApiBearerAuth()
  @ResponseMessage('Platform connected successfully')
  @ApiEnvelope(ConnectPlatformView, { optionalData: true, description: 'Connected; `data.warnings` only on platforms connected with browser cookies' })
  @ApiErrors(
    [400, 'Missing or malformed tokens or cookies'],
    [401, 'Not signed in'],
    [404, 'Unknown platform'],
    [422, 'The platform rejected the tokens or the session'],
    [502, 'The platform could not be reached'],
    [503, 'The platform is not configured on this server'],
  )
  async connect(@CurrentUser() user: AuthUser, @Param('platform') platform: string, @Body() body: ConnectPlatformDto): Promise<ConnectPlatformView | undefined> {
    const adapter = this.platforms.adapter(platform);
    await this.platforms.connect(user.id, platform, this.credentialsOf(adapter, body));
    return adapter.connectWarnings?.length ? { warnings: [...adapter.connectWarnings] } : undefined;
  }

  private credentialsOf(adapter: PlatformAdapter, body: ConnectPlatformDto): PlatformCredentials {
    const { displayName, authType } = adapter.descriptor;
    if (authType === 'cookies' && adapter.parseSession) {
      const input = body.cookies ?? body.accessToken;
      if (typeof input === 'string' ? input.length > MAX_COOKIE_TEXT : !Array.isArray(input) || input.length > MAX_COOKIE_ENTRIES) {
        throw invalidFormat(`${displayName} takes \`cookies\` as text of at most ${MAX_COOKIE_TEXT} characters or an array of at most ${MAX_COOKIE_ENTRIES} cookies`);
      }
      try {
        return adapter.parseSession(input);
      } catch (error) {
        throw invalidFormat(`${displayName} cookies: ${error instanceof Error ? error.message : 'unreadable'}`);
      }
    }
    if (authType !== 'oauth') throw invalidFormat(`${displayName} is not connected with OAuth tokens`);
    if (body.accessToken === undefined) throw invalidFormat(`${displayName} is connected with an accessToken`);
    return { kind: 'oauth', accessToken: body.accessToken, refreshToken: body.refreshToken };
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
}
