import type { Request } from 'express';
import type { StrategyCreatedStatic } from 'passport';
import { Profile, Strategy, StrategyOptions } from 'passport-google-oauth20';
import type { OAuthStateStore, SignInContext } from './oauth-state-store';

export interface GoogleStrategySettings {
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  authUrl: string;
  tokenUrl: string;
  /** Its path must end in `/userinfo`: the strategy reads the OpenID Connect profile format from there. */
  userinfoUrl: string;
}

/** How one run of the strategy ended. */
export type StrategyOutcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; profile: Profile; context: SignInContext }
  | { kind: 'fail' }
  | { kind: 'error'; error: unknown };

/**
 * passport-google-oauth20's strategy with PKCE (S256) and our state store: it builds the
 * authorization URL, checks `state`, exchanges the code with the code_verifier and reads the
 * userinfo profile. The agreed package was kept rather than a hand-written exchange because
 * passport-oauth2 1.8's store hook carries both the state and the PKCE verifier, which is all a
 * multi-instance flow needs. The account itself is resolved afterwards (GoogleAccounts), outside passport.
 */
export class GoogleStrategy extends Strategy {
  constructor(settings: GoogleStrategySettings, store: OAuthStateStore) {
    super(
      {
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.callbackUrl,
        authorizationURL: settings.authUrl,
        tokenURL: settings.tokenUrl,
        userProfileURL: settings.userinfoUrl,
        scope: ['openid', 'email', 'profile'],
        pkce: true,
        // The typings only know the pre-PKCE store signatures; passport-oauth2 1.8 picks ours by arity.
        store: store as unknown as StrategyOptions['store'],
      },
      (_accessToken: string, _refreshToken: string, profile: Profile, done) => done(null, profile),
    );
    // Send Google's access token in the Authorization header, not in the userinfo URL (where it
    // would end up in logs).
    this._oauth2.useAuthorizationHeaderforGET(true);
  }
}

/**
 * Runs the strategy for one request and reports how it ended, the way passport's own middleware
 * drives a strategy. Instances are used directly rather than registered in passport's process-wide
 * registry, so each app instance keeps its own configuration (several run side by side in tests).
 */
export function runStrategy(strategy: GoogleStrategy, req: Request, options: object): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    const actions: StrategyCreatedStatic = {
      redirect: (url: string) => resolve({ kind: 'redirect', url }),
      success: (profile, info?: { state?: SignInContext }) =>
        resolve({ kind: 'success', profile: profile as Profile, context: info?.state ?? {} }),
      fail: () => resolve({ kind: 'fail' }),
      pass: () => resolve({ kind: 'fail' }),
      error: (error: unknown) => resolve({ kind: 'error', error }),
    };
    const attempt = Object.assign(Object.create(strategy) as GoogleStrategy, actions);
    attempt.authenticate(req, options);
  });
}
