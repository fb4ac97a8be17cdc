import { Controller, Get, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SuccessEnvelope } from '@app/contracts';
import type { Request, Response } from 'express';
import type { Profile } from 'passport-google-oauth20';
import { ApiError } from '../../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../../common/openapi/api-envelope.decorator';
import { Public } from '../../../common/public.decorator';
import { RateLimit } from '../../../common/rate-limit/rate-limit.decorator';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { invalidToken, TOO_MANY_AUTH_REQUESTS } from '../auth-errors';
import { AuthSession } from '../auth-responses.dto';
import type { AuthUser } from '../auth-user.dto';
import { AuthService } from '../auth.service';
import { CurrentSession, CurrentUser } from '../current-user.decorator';
import { DownloadCookie } from '../tokens/download-cookie';
import { Sessions } from '../tokens/sessions';
import { GoogleLinkStart, GoogleSignInQuery } from './google-auth.dto';
import { GoogleAccounts } from './google-accounts';
import { GOOGLE_ROUTES, GoogleSignIn } from './google-sign-in';
import { LinkRequest, NONCE_COOKIE } from './oauth-state-store';

const NOT_CONFIGURED: [number, string] = [
  503,
  'PROVIDER_NOT_CONFIGURED: GOOGLE_CLIENT_ID or GOOGLE_CLIENT_SECRET is not set',
];

@ApiTags('auth')
@RateLimit('auth')
@Controller('auth/google')
export class GoogleAuthController {
  constructor(
    private readonly google: GoogleSignIn,
    private readonly accounts: GoogleAccounts,
    private readonly auth: AuthService,
    private readonly sessions: Sessions,
    private readonly downloadCookie: DownloadCookie,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Starts Google sign-in: redirects to Google's consent screen (scopes `openid email profile`, PKCE S256). */
  @Public()
  // The two routes a browser navigates to (here, and back from Google) are under the general limit: a
  // person's own burst (a sign-in, then the page's refresh, then these redirects) could pass the
  // auth limit of 5 a second, and a refusal here would leave the browser on a JSON page. Each
  // callback needs a single-use state this server signed, so it is no way to guess passwords.
  @RateLimit('general')
  @Get()
  @ApiResponse({ status: 302, description: 'Redirect to Google (GOOGLE_AUTH_URL)' })
  @ApiErrors([400, 'INVALID_FORMAT'], NOT_CONFIGURED)
  async start(@Query() query: GoogleSignInQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(HttpStatus.FOUND, await this.google.authorizationUrl(req, query.returnTo));
  }

  /**
   * Starts linking a Google account to the signed-in account: answers Google's consent URL and sets
   * the HttpOnly nonce cookie that binds the flow to this browser, so call it with a same-origin
   * `fetch` and then navigate to the URL. The callback links the Google account (whatever its email)
   * and ends every other session of the account; later Google sign-ins land in this account.
   */
  @Post('link')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiEnvelope(GoogleLinkStart)
  @ApiErrors([400, 'INVALID_FORMAT'], [401, 'AUTH_REQUIRED or INVALID_TOKEN'], NOT_CONFIGURED, TOO_MANY_AUTH_REQUESTS)
  async link(
    @CurrentUser() user: AuthUser,
    @CurrentSession() sessionId: string,
    @Query() query: GoogleSignInQuery,
    @Req() req: Request,
  ): Promise<GoogleLinkStart> {
    return { url: await this.google.authorizationUrl(req, query.returnTo, { userId: user.id, sessionId }) };
  }

  /**
   * Google sends the browser back here. A sign-in signs in the account linked to the Google account,
   * or creates one when no account has its (verified) email; an existing account with that email and
   * no Google link is never signed in (ACCOUNT_EXISTS_LINK_REQUIRED: sign in with the password and
   * link Google). A link started with POST /api/auth/google/link links the Google account and ends
   * every other session of the account. With FRONTEND_URL set, the browser then lands on FRONTEND_URL
   * (or the `returnTo` page) with `#token=…&refreshToken=…`, `#linked=google`, or, when the account
   * could not be resolved, `#error=<code>&message=…`; without it, the answer is JSON.
   */
  @Public()
  @RateLimit('general')
  @Get('callback')
  @ApiQuery({ name: 'code', type: String, required: false, description: 'Authorization code from Google' })
  @ApiQuery({ name: 'state', type: String, required: false, description: 'The state this server issued' })
  @ApiQuery({ name: 'error', type: String, required: false, description: 'Set by Google when the user declined' })
  @ApiResponse({ status: 302, description: 'Redirect to FRONTEND_URL with the tokens, `linked=google` or an error code in the fragment' })
  @ApiEnvelope(AuthSession, { description: 'Signed in (only when FRONTEND_URL is not set; a link answers no data)' })
  @ApiErrors(
    [400, 'INVALID_FORMAT: missing, forged, expired or reused state, or an invalid or reused code'],
    [401, 'INVALID_TOKEN: the session that started a link has ended'],
    [403, 'FORBIDDEN: sign-in cancelled, or the Google email is not verified'],
    [
      409,
      'ACCOUNT_EXISTS_LINK_REQUIRED: an account with this email exists and has no Google link; EMAIL_TAKEN: it is linked to another Google account; CONFLICT: a link would take a Google account already linked elsewhere',
    ],
    [502, 'BAD_GATEWAY: Google could not be reached or answered in error'],
    NOT_CONFIGURED,
  )
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The nonce cookie is single-use whatever the outcome.
    res.clearCookie(NONCE_COOKIE, { path: GOOGLE_ROUTES });
    const { profile, context } = await this.google.finish(req);
    const landing = this.config.frontendUrl ? new URL(context.returnTo ?? this.config.frontendUrl) : undefined;
    let session: AuthSession | undefined;
    try {
      if (context.link) await this.linkAccount(context.link, profile);
      else session = await this.auth.signIn(await this.accounts.signIn(profile));
    } catch (error) {
      // The state was genuine, so the landing page is ours: the frontend shows the code.
      if (!landing || !(error instanceof ApiError)) throw error;
      landing.hash = new URLSearchParams({ error: error.code, message: error.message }).toString();
      res.redirect(HttpStatus.FOUND, landing.href);
      return;
    }
    if (session) this.downloadCookie.set(res, session.token);
    if (!landing) {
      const envelope: SuccessEnvelope<AuthSession> = session
        ? { success: true, data: session }
        : { success: true, message: 'Google account linked' };
      res.status(HttpStatus.OK).json(envelope);
      return;
    }
    // In the fragment, the tokens reach the frontend's script but are never sent to a server.
    landing.hash = new URLSearchParams(
      session ? { token: session.token, refreshToken: session.refreshToken } : { linked: 'google' },
    ).toString();
    res.redirect(HttpStatus.FOUND, landing.href);
  }

  private async linkAccount({ userId, sessionId }: LinkRequest, profile: Profile): Promise<void> {
    if (!(await this.sessions.isLive(sessionId, userId))) throw invalidToken();
    await this.accounts.link(userId, profile);
    await this.sessions.endAllBut(userId, sessionId);
  }
}
