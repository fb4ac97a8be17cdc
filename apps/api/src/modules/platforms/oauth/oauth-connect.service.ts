import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { CredentialsRejectedError, type OAuthConnectCapability, type OAuthTokens } from '@app/platform-adapters';
import type { Request, Response } from 'express';
import { ApiError, invalidFormat } from '../../../common/api-error';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { apiErrorFromPlatform } from '../platform-errors';
import { PlatformsService } from '../platforms.service';
import { OAuthBrowserBinding, oauthCallbackPath } from './browser-binding';
import { PendingOAuthConnects } from './pending-oauth-connects';

/** A platform's token endpoint must not hold the browser's callback for long. */
const TOKEN_EXCHANGE_TIMEOUT_MS = 15_000;
/** What this server issues: 32 random bytes, base64url. Anything else is refused before a lookup. */
const STATE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 6749 §4.1.2.1 error codes are short ASCII words; anything else is not echoed back. */
const OAUTH_ERROR = /^[A-Za-z0-9_.-]{1,64}$/;

export interface CallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
}

/**
 * Server-side OAuth connect, the same for every platform whose adapter has the OAuth capability: a
 * browser app cannot hold the client secret, so the server sends the user to the platform's consent
 * screen and redeems the code itself. The state is one-time and expires; the PKCE verifier stays in
 * the state row; and the flow is bound to the browser that started it (OAuthBrowserBinding), so the
 * consent URL is worth nothing in anybody else's browser.
 */
@Injectable()
export class OAuthConnectService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly platforms: PlatformsService,
    private readonly pending: PendingOAuthConnects,
    private readonly binding: OAuthBrowserBinding,
  ) {}

  /** Starts a connect for the signed-in user: binds this browser and answers the consent-screen URL. */
  async start(userId: string, platform: string, response: Response): Promise<string> {
    const oauth = this.capability(platform);
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = oauth.pkce ? randomBytes(48).toString('base64url') : undefined;
    let authorizationUrl: string;
    try {
      authorizationUrl = oauth.authorizationUrl({
        state,
        codeChallenge: codeVerifier === undefined ? undefined : createHash('sha256').update(codeVerifier).digest('base64url'),
        redirectUri: this.callbackUrl(platform),
      });
    } catch (error) {
      throw apiErrorFromPlatform(error);
    }
    const { nonce, hash } = this.binding.issue();
    await this.pending.create({ state, userId, platform, codeVerifier, browserBindingHash: hash });
    this.binding.bind(response, platform, state, nonce);
    return authorizationUrl;
  }

  /**
   * Finishes a connect in the browser the platform sent back: the state must be one this server
   * issued, unused and unexpired, and this browser must hold its nonce; only then is the code
   * redeemed and the platform connected to the user who started. Returns that user's id.
   */
  async complete(platform: string, query: CallbackQuery, request: Request, response: Response): Promise<string> {
    const oauth = this.capability(platform);
    const { state } = query;
    if (typeof state !== 'string' || !STATE.test(state)) throw invalidFormat('Missing or malformed OAuth state; start connecting again');
    const pending = await this.pending.take(state, platform);
    if (!pending || pending.expired) {
      this.binding.forget(response, platform, state);
      throw invalidFormat('This connect link is unknown, already used or expired; start connecting again');
    }
    if (!this.binding.check(request, response, platform, state, pending.browserBindingHash)) {
      throw invalidFormat(
        'This connect was not started in this browser, so nothing was connected. Start connecting again from Star Export in the browser you are signed in with.',
      );
    }
    if (query.error !== undefined) {
      const reason = typeof query.error === 'string' && OAUTH_ERROR.test(query.error) ? query.error : 'unknown error';
      throw new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.PLATFORM_TOKEN_REJECTED, `The platform did not grant access (${reason})`);
    }
    if (typeof query.code !== 'string' || query.code.length === 0 || query.code.length > 2048) {
      throw invalidFormat('Missing authorization code; start connecting again');
    }
    const tokens = await this.exchange(oauth, platform, query.code, pending.codeVerifier);
    await this.platforms.connect(pending.userId, platform, tokens);
    return pending.userId;
  }

  private async exchange(oauth: OAuthConnectCapability, platform: string, code: string, codeVerifier: string | undefined): Promise<OAuthTokens> {
    try {
      return await oauth.exchangeCode(
        { code, codeVerifier, redirectUri: this.callbackUrl(platform) },
        AbortSignal.timeout(TOKEN_EXCHANGE_TIMEOUT_MS),
      );
    } catch (error) {
      if (error instanceof CredentialsRejectedError) throw invalidFormat('The platform refused the authorization code; start connecting again');
      throw apiErrorFromPlatform(error);
    }
  }

  private callbackUrl(platform: string): string {
    return `${this.config.publicUrl}${oauthCallbackPath(platform)}`;
  }

  /** 404 for an unknown platform, 400 for one that does not connect through a consent screen. */
  private capability(platform: string): OAuthConnectCapability {
    const adapter = this.platforms.adapter(platform);
    if (!adapter.oauth) {
      throw invalidFormat(`${adapter.descriptor.displayName} is not connected through an OAuth consent screen`);
    }
    return adapter.oauth;
  }
}
