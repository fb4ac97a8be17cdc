import { Controller, Get, HttpStatus, Query, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SuccessEnvelope } from '@app/contracts';
import type { Request, Response } from 'express';
import { ApiEnvelope, ApiErrors } from '../../../common/openapi/api-envelope.decorator';
import { Public } from '../../../common/public.decorator';
import { RateLimit } from '../../../common/rate-limit/rate-limit.decorator';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { TOO_MANY_AUTH_REQUESTS } from '../auth-errors';
import { AuthSession } from '../auth-responses.dto';
import { AuthService } from '../auth.service';
import { DownloadCookie } from '../tokens/download-cookie';
import { GoogleSignInQuery } from './google-auth.dto';
import { GoogleAccounts } from './google-accounts';
import { GOOGLE_ROUTES, GoogleSignIn } from './google-sign-in';
import { NONCE_COOKIE } from './oauth-state-store';

const NOT_CONFIGURED: [number, string] = [
  503,
  'PROVIDER_NOT_CONFIGURED: GOOGLE_CLIENT_ID or GOOGLE_CLIENT_SECRET is not set',
];

@ApiTags('auth')
@Public()
@RateLimit('auth')
@Controller('auth/google')
export class GoogleAuthController {
  constructor(
    private readonly google: GoogleSignIn,
    private readonly accounts: GoogleAccounts,
    private readonly auth: AuthService,
    private readonly downloadCookie: DownloadCookie,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Starts Google sign-in: redirects to Google's consent screen (scopes `openid email profile`, PKCE S256). */
  @Get()
  @ApiResponse({ status: 302, description: 'Redirect to Google (GOOGLE_AUTH_URL)' })
  @ApiErrors([400, 'INVALID_FORMAT'], NOT_CONFIGURED, TOO_MANY_AUTH_REQUESTS)
  async start(@Query() query: GoogleSignInQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(HttpStatus.FOUND, await this.google.authorizationUrl(req, query.returnTo));
  }

  /**
   * Google sends the browser back here. Signs in the account linked to the Google account, links it
   * to the account with the same (verified) email, or creates one; then redirects to FRONTEND_URL
   * with `#token=…&refreshToken=…`, or answers the session as JSON when FRONTEND_URL is not set.
   */
  @Get('callback')
  @ApiQuery({ name: 'code', type: String, required: false, description: 'Authorization code from Google' })
  @ApiQuery({ name: 'state', type: String, required: false, description: 'The state this server issued' })
  @ApiQuery({ name: 'error', type: String, required: false, description: 'Set by Google when the user declined' })
  @ApiResponse({ status: 302, description: 'Signed in: redirect to FRONTEND_URL with the tokens in the fragment' })
  @ApiEnvelope(AuthSession, { description: 'Signed in (only when FRONTEND_URL is not set)' })
  @ApiErrors(
    [400, 'INVALID_FORMAT: missing, forged, expired or reused state, or an invalid or reused code'],
    [403, 'FORBIDDEN: sign-in cancelled, or the Google email is not verified'],
    [409, 'EMAIL_TAKEN: the email belongs to an account linked to another Google account'],
    [502, 'BAD_GATEWAY: Google could not be reached or answered in error'],
    NOT_CONFIGURED,
    TOO_MANY_AUTH_REQUESTS,
  )
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The nonce cookie is single-use whatever the outcome.
    res.clearCookie(NONCE_COOKIE, { path: GOOGLE_ROUTES });
    const { profile, context } = await this.google.finish(req);
    const session = await this.auth.signIn(await this.accounts.signIn(profile));
    this.downloadCookie.set(res, session.token);
    if (!this.config.frontendUrl) {
      const envelope: SuccessEnvelope<AuthSession> = { success: true, data: session };
      res.status(HttpStatus.OK).json(envelope);
      return;
    }
    const target = new URL(context.returnTo ?? this.config.frontendUrl);
    // In the fragment, the tokens reach the frontend's script but are never sent to a server.
    target.hash = new URLSearchParams({ token: session.token, refreshToken: session.refreshToken }).toString();
    res.redirect(HttpStatus.FOUND, target.href);
  }
}
