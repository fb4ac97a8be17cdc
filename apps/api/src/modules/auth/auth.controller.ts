import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator';
import { ResponseMessage } from '../../common/response-message.decorator';
import { TOO_MANY_AUTH_REQUESTS, TOO_MANY_LOGIN_ATTEMPTS } from './auth-errors';
import { LoginRequest, RefreshTokenRequest, RegisterRequest } from './auth-requests.dto';
import { AuthSession, TokenPair, UserProfile } from './auth-responses.dto';
import { AuthUser } from './auth-user.dto';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { DownloadCookie } from './tokens/download-cookie';

@ApiTags('auth')
@RateLimit('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly downloadCookie: DownloadCookie,
  ) {}

  /** Creates an account with email and password and signs it in. */
  @Public()
  @Post('register')
  @ApiEnvelope(AuthSession, { status: 201, description: 'Account created and signed in', echo: ['token'] })
  @ApiErrors(
    [400, 'INVALID_FORMAT: invalid email, password or name, or unknown fields'],
    [409, 'EMAIL_TAKEN'],
    TOO_MANY_AUTH_REQUESTS,
  )
  async register(@Body() body: RegisterRequest, @Res({ passthrough: true }) res: Response): Promise<AuthSession> {
    return this.withCookie(res, await this.auth.register(body));
  }

  /** Signs in with email and password. */
  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiEnvelope(AuthSession, { echo: ['token'] })
  @ApiErrors(
    [400, 'INVALID_FORMAT'],
    [401, 'INVALID_CREDENTIALS: unknown email or wrong password'],
    TOO_MANY_LOGIN_ATTEMPTS,
  )
  async login(@Body() body: LoginRequest, @Res({ passthrough: true }) res: Response): Promise<AuthSession> {
    return this.withCookie(res, await this.auth.login(body));
  }

  /**
   * Exchanges a refresh token for a new token pair; the old refresh token stops working. Presenting
   * an already-used refresh token again (after a 10 s grace period) ends the whole session.
   */
  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiEnvelope(TokenPair)
  @ApiErrors(
    [400, 'INVALID_FORMAT'],
    [401, 'INVALID_TOKEN: unknown, used, revoked or expired refresh token'],
    TOO_MANY_AUTH_REQUESTS,
  )
  async refresh(@Body() body: RefreshTokenRequest, @Res({ passthrough: true }) res: Response): Promise<TokenPair> {
    return this.withCookie(res, await this.auth.refresh(body.refreshToken));
  }

  /** Ends the session the refresh token belongs to. Idempotent: any well-formed request succeeds. */
  @Public()
  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Logged out successfully')
  @ApiEnvelope(null)
  @ApiErrors([400, 'INVALID_FORMAT'], TOO_MANY_AUTH_REQUESTS)
  async logout(@Body() body: RefreshTokenRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(body.refreshToken);
    this.downloadCookie.clear(res);
  }

  /** The signed-in account and the platforms it has connected. */
  @Get('me')
  @ApiBearerAuth()
  @ApiEnvelope(UserProfile)
  @ApiErrors([401, 'AUTH_REQUIRED (no token) or INVALID_TOKEN'], TOO_MANY_AUTH_REQUESTS)
  me(@CurrentUser() user: AuthUser): Promise<UserProfile> {
    return this.auth.profile(user);
  }

  /** Every answer that issues an access token also sets it as the download cookie. */
  private withCookie<T extends TokenPair>(res: Response, session: T): T {
    this.downloadCookie.set(res, session.token);
    return session;
  }
}
