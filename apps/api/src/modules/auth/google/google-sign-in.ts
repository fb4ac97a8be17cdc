import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode } from '@app/contracts';
import type { Request } from 'express';
import type { Profile } from 'passport-google-oauth20';
import { Repository } from 'typeorm';
import { ApiError } from '../../../common/api-error';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { deriveKey } from '../derived-key';
import { GoogleStrategy, StrategyOutcome, runStrategy } from './google-strategy';
import { OAuthState } from './oauth-state.entity';
import { LinkRequest, OAuthStateStore, SignInContext } from './oauth-state-store';
import { safeReturnTo } from './return-to';

export const GOOGLE_ROUTES = '/api/auth/google';
const PROVIDER_TIMEOUT_MS = 15_000;
/** What passport-oauth2 and passport-google-oauth20 raise when Google fails or answers nonsense. */
const PROVIDER_ERRORS = new Set(['InternalOAuthError', 'AuthorizationError', 'UserInfoError', 'GooglePlusAPIError']);

/**
 * The OAuth 2.0 authorization-code flow with Google, through passport-google-oauth20 (see
 * GoogleStrategy for why it is not registered with passport). Both routes answer 503
 * PROVIDER_NOT_CONFIGURED while GOOGLE_CLIENT_ID or GOOGLE_CLIENT_SECRET is missing.
 */
@Injectable()
export class GoogleSignIn {
  private readonly strategy?: GoogleStrategy;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectRepository(OAuthState) states: Repository<OAuthState>,
  ) {
    const { clientId, clientSecret, authUrl, tokenUrl, userinfoUrl } = config.google;
    if (!clientId || !clientSecret) return;
    const callbackUrl = config.google.callbackUrl ?? `${config.publicUrl}${GOOGLE_ROUTES}/callback`;
    const store = new OAuthStateStore(states, deriveKey(config.jwt.secret, 'google-oauth-state'), {
      path: GOOGLE_ROUTES,
      secure: new URL(callbackUrl).protocol === 'https:',
    });
    this.strategy = new GoogleStrategy(
      { clientId, clientSecret, callbackUrl, authUrl, tokenUrl, userinfoUrl },
      store,
    );
  }

  /**
   * Google's consent-screen URL, carrying our state and PKCE challenge; with `link`, for linking
   * Google to that signed-in account instead of signing in. Either way the nonce cookie set on this
   * answer binds the flow to this browser.
   */
  async authorizationUrl(req: Request, returnTo: string | undefined, link?: LinkRequest): Promise<string> {
    const context: SignInContext = { returnTo: safeReturnTo(returnTo, this.config.frontendUrl), ...(link ? { link } : {}) };
    const outcome = await this.run(req, { state: context });
    if (outcome.kind === 'redirect') return outcome.url;
    throw failure(outcome);
  }

  /** The Google profile behind a callback, once state, PKCE and the code have all been checked. */
  async finish(req: Request): Promise<{ profile: Profile; context: SignInContext }> {
    const { code, state, error } = req.query;
    if (!isOptionalString(code) || !isOptionalString(state) || !isOptionalString(error)) {
      throw invalid('code, state and error may each appear once');
    }
    // Without a code, passport would start a new sign-in instead of answering.
    if (!code && !error) throw invalid('Missing authorization code');
    const outcome = await this.run(req, {});
    if (outcome.kind !== 'success') throw failure(outcome);
    // Without `sub` there is no account to sign in (and an undefined id must never reach a lookup).
    if (typeof outcome.profile.id !== 'string' || outcome.profile.id === '') throw badGateway();
    return outcome;
  }

  private async run(req: Request, options: object): Promise<StrategyOutcome> {
    const strategy = this.strategy;
    if (!strategy) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.PROVIDER_NOT_CONFIGURED,
        'Google sign-in is not configured on this server',
      );
    }
    let timer: NodeJS.Timeout | undefined;
    // The `oauth` client has no timeout. A late answer may still finish the exchange, which does no
    // harm: nothing is created until the account is resolved after this returns.
    const timeout = new Promise<StrategyOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'error', error: new Error('timeout') }), PROVIDER_TIMEOUT_MS);
    });
    try {
      return await Promise.race([runStrategy(strategy, req, options), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function failure(outcome: StrategyOutcome): unknown {
  switch (outcome.kind) {
    case 'fail':
      return new ApiError(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, 'Google sign-in was cancelled');
    case 'redirect':
    case 'success':
      return invalid('Unexpected Google sign-in step');
    case 'error':
      return providerError(outcome.error);
  }
}

/** Our own errors pass through; Google's become 400 (a bad code) or 502; anything else stays a 500. */
function providerError(error: unknown): unknown {
  if (error instanceof ApiError || !(error instanceof Error)) return error;
  if (error.name === 'TokenError' && (error as Error & { code?: string }).code === 'invalid_grant') {
    return invalid('The authorization code is invalid, expired or already used: start the Google sign-in again');
  }
  // The strategy itself raises plain Errors ("Failed to obtain access token", "Failed to parse user
  // profile") for malformed answers; subclasses such as database errors are not Google's fault.
  if (error.name === 'TokenError' || PROVIDER_ERRORS.has(error.name) || error.constructor === Error) {
    return badGateway();
  }
  return error;
}

function badGateway(): ApiError {
  const message = 'Google sign-in failed: Google could not be reached or answered in error';
  return new ApiError(HttpStatus.BAD_GATEWAY, ErrorCode.BAD_GATEWAY, message);
}

function invalid(message: string): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_FORMAT, message);
}

const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
