import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Request } from 'express';
import { LessThan, Repository } from 'typeorm';
import { ApiError } from '../../../common/api-error';
import { OAuthState } from './oauth-state.entity';

const STATE_TTL_MS = 10 * 60 * 1000;
const MAX_STATE_LENGTH = 4096;
export const NONCE_COOKIE = 'star_export_google_nonce';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The signed-in session that asked to link a Google account to its account. */
export interface LinkRequest {
  userId: string;
  sessionId: string;
}

/** What a sign-in (or a link) remembers between leaving for Google and coming back. */
export interface SignInContext {
  /** A page of the frontend to land on, already checked to be on FRONTEND_URL's origin. */
  returnTo?: string;
  /** Set when this is not a sign-in but an account linking Google. */
  link?: LinkRequest;
}

interface StatePayload {
  /** nonce: the oauth_states row and the browser cookie */
  n: string;
  /** expiry, ms since the epoch */
  e: number;
  r?: string;
  /** link: user id and session id */
  l?: [string, string];
}

export interface CookieOptions {
  path: string;
  secure: boolean;
}

type StoreCallback = (error: Error | null, state?: string) => void;
type VerifyCallback = (error: Error | null, codeVerifier?: string, context?: SignInContext) => void;

/**
 * passport-oauth2's state store for PKCE. Its built-in stores keep state in a server session, which
 * breaks across instances (jaredhanson/passport-oauth2#134); this one is stateless where it can be:
 * - `state` = HMAC-signed `{nonce, expiry, returnTo, link}`: forged or expired states fail without a
 *   lookup; `link` names the signed-in account and session that asked to link Google;
 * - the nonce is also set in an HttpOnly SameSite=Lax cookie, binding the sign-in to the browser that
 *   started it (a state from someone else's sign-in is refused: login CSRF);
 * - a row per nonce holds the PKCE code_verifier (never in a URL) and is deleted on use, so a state
 *   works once across all instances.
 * Failures are 400 INVALID_FORMAT and happen before the code is exchanged, so nothing is created.
 */
export class OAuthStateStore {
  constructor(
    private readonly states: Repository<OAuthState>,
    private readonly key: Buffer,
    private readonly cookie: CookieOptions,
  ) {}

  // passport-oauth2 chooses the PKCE protocol by arity: store(req, verifier, state, meta, callback).
  store(req: Request, codeVerifier: string, context: SignInContext, _meta: unknown, callback: StoreCallback): void {
    this.issue(req, codeVerifier, context).then(
      (state) => callback(null, state),
      (error: Error) => callback(error),
    );
  }

  // ...and verify(req, state, meta, callback), whose callback takes the code_verifier.
  verify(req: Request, state: unknown, _meta: unknown, callback: VerifyCallback): void {
    this.redeem(req, state).then(
      ({ codeVerifier, context }) => callback(null, codeVerifier, context),
      (error: Error) => callback(error),
    );
  }

  private async issue(req: Request, codeVerifier: string, context: SignInContext): Promise<string> {
    const nonce = randomUUID();
    const expiresAt = Date.now() + STATE_TTL_MS;
    await this.states.delete({ expiresAt: LessThan(new Date()) });
    await this.states.insert({ nonce, codeVerifier, expiresAt: new Date(expiresAt) });
    req.res?.cookie(NONCE_COOKIE, nonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.cookie.secure,
      path: this.cookie.path,
      maxAge: STATE_TTL_MS,
    });
    const payload: StatePayload = {
      n: nonce,
      e: expiresAt,
      ...(context.returnTo ? { r: context.returnTo } : {}),
      ...(context.link ? { l: [context.link.userId, context.link.sessionId] } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  private async redeem(req: Request, state: unknown): Promise<{ codeVerifier: string; context: SignInContext }> {
    if (typeof state !== 'string' || state === '') throw badState('Missing state: start the Google sign-in again');
    const payload = this.open(state);
    if (!payload) throw badState('Invalid state: start the Google sign-in again');
    if (payload.e <= Date.now()) throw badState('This Google sign-in has expired: start it again');
    if (cookieValue(req, NONCE_COOKIE) !== payload.n) {
      throw badState('This Google sign-in was started in another browser: start it again here');
    }
    // Only the request that deletes the row goes on: a replay, even a concurrent one, stops here.
    const [used] = await this.states.query<{ code_verifier: string }[]>(
      `WITH used AS (DELETE FROM oauth_states WHERE nonce = $1 AND expires_at > now() RETURNING code_verifier)
       SELECT code_verifier FROM used`,
      [payload.n],
    );
    if (!used) throw badState('This Google sign-in was already used: start it again');
    const context: SignInContext = {
      ...(payload.r ? { returnTo: payload.r } : {}),
      ...(payload.l ? { link: { userId: payload.l[0], sessionId: payload.l[1] } } : {}),
    };
    return { codeVerifier: used.code_verifier, context };
  }

  private open(state: string): StatePayload | undefined {
    if (state.length > MAX_STATE_LENGTH) return undefined;
    const [body, signature, ...rest] = state.split('.');
    if (!body || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<StatePayload>;
    if (typeof payload.n !== 'string' || !UUID.test(payload.n) || typeof payload.e !== 'number') return undefined;
    if (payload.r !== undefined && typeof payload.r !== 'string') return undefined;
    const link = payload.l;
    if (link !== undefined && !(Array.isArray(link) && link.length === 2 && link.every((id) => UUID.test(id)))) {
      return undefined;
    }
    return { n: payload.n, e: payload.e, r: payload.r, l: link };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function badState(message: string): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_FORMAT, message);
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
