import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { invalidFormat } from '../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { ResponseMessage } from '../../common/response-message.decorator';
import { AuthUser, CurrentUser } from '../auth';
import { ConnectPlatformDto } from './dto/connect-platform.dto';
import { PlatformStatusView, PlatformView } from './dto/platform-views.dto';
import { PlatformsService } from './platforms.service';

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
}
