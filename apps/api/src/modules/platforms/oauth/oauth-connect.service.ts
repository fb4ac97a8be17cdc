import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@app/contracts';
import { DataSource } from 'typeorm';
import { ApiError, invalidFormat } from '../../../common/api-error';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { queryRows } from '../../../database/query-rows';
import { PlatformsService } from '../platforms.service';

const STATE_TTL_MINUTES = 10;
const TOKEN_EXCHANGE_TIMEOUT_MS = 15_000;

/** How each OAuth platform's consent screen is asked for. Only Google (YouTube) exists so far. */
const CONSENT: Record<string, { scope: string; extra: Record<string, string> }> = {
  youtube: {
    scope: 'https://www.googleapis.com/auth/youtube.readonly',
    // offline: Google issues a refresh token only then; consent: and again on every reconnect.
    extra: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
};

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
  error?: unknown;
}

/**
 * Server-side OAuth connect: a browser app cannot hold the client secret, so the server sends the
 * user to the platform's consent screen and redeems the code itself. The state is a random nonce
 * stored with the signed-in user, the PKCE verifier and an expiry; redeeming deletes it, so it works
 * once, and only for the user who started the flow.
 */
@Injectable()
export class OAuthConnectService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly platforms: PlatformsService,
  ) {}

  async authorizationUrl(userId: string, platform: string): Promise<string> {
    const consent = this.consentFor(platform);
    const nonce = randomBytes(32).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    await this.db.query(`DELETE FROM platform_oauth_states WHERE expires_at < now()`);
    await this.db.query(
      `INSERT INTO platform_oauth_states (nonce, user_id, platform, code_verifier, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))`,
      [nonce, userId, platform, verifier, STATE_TTL_MINUTES],
    );
    const url = new URL(this.config.google.authUrl);
    const params: Record<string, string> = {
      client_id: this.clientId(),
      redirect_uri: this.callbackUrl(platform),
      response_type: 'code',
      scope: consent.scope,
      state: nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...consent.extra,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /** Redeems the code and connects the platform for the user who started the flow; returns that user. */
  async complete(platform: string, query: { code?: string; state?: string; error?: string }): Promise<string> {
    this.consentFor(platform);
    if (typeof query.state !== 'string' || query.state.length === 0 || query.state.length > 200) {
      throw invalidFormat('Missing or malformed OAuth state');
    }
    const rows = await queryRows<{ user_id: string; code_verifier: string; expired: boolean }>(
      this.db,
      `DELETE FROM platform_oauth_states WHERE nonce = $1 AND platform = $2
       RETURNING user_id, code_verifier, expires_at < now() AS expired`,
      [query.state, platform],
    );
    const pending = rows[0];
    if (!pending || pending.expired) throw invalidFormat('The OAuth state is unknown, already used or expired; start connecting again');
    if (query.error !== undefined) {
      throw new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.PLATFORM_TOKEN_REJECTED, `The platform did not grant access: ${String(query.error).slice(0, 100)}`);
    }
    if (typeof query.code !== 'string' || query.code.length === 0 || query.code.length > 2048) {
      throw invalidFormat('Missing authorization code');
    }
    const tokens = await this.exchange(platform, query.code, pending.code_verifier);
    await this.platforms.connect(pending.user_id, platform, tokens);
    return pending.user_id;
  }

  private async exchange(platform: string, code: string, verifier: string) {
    let response: Response;
    try {
      response = await fetch(this.config.google.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: this.callbackUrl(platform),
          client_id: this.clientId(),
          client_secret: this.config.google.clientSecret ?? '',
          code_verifier: verifier,
        }),
        signal: AbortSignal.timeout(TOKEN_EXCHANGE_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch {
      throw new ApiError(HttpStatus.BAD_GATEWAY, ErrorCode.BAD_GATEWAY, 'The platform token endpoint could not be reached');
    }
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (response.status >= 400 && response.status < 500) {
      throw invalidFormat(`The authorization code was refused (${typeof answer.error === 'string' ? answer.error : response.status}); start connecting again`);
    }
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new ApiError(HttpStatus.BAD_GATEWAY, ErrorCode.BAD_GATEWAY, 'The platform token endpoint answered badly');
    }
    const expiresIn = Number(answer.expires_in);
    return {
      kind: 'oauth' as const,
      accessToken: answer.access_token,
      refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : undefined,
      expiresAt: Number.isFinite(expiresIn) ? new Date(Date.now() + expiresIn * 1000).toISOString() : undefined,
      scopes: typeof answer.scope === 'string' ? answer.scope.split(' ').filter(Boolean) : undefined,
    };
  }

  callbackUrl(platform: string): string {
    return `${this.config.publicUrl}/api/platforms/${platform}/oauth/callback`;
  }

  private consentFor(platform: string): { scope: string; extra: Record<string, string> } {
    this.platforms.adapter(platform);
    const consent = CONSENT[platform];
    if (!consent) throw invalidFormat(`${platform} is not connected through OAuth`);
    this.clientId();
    return consent;
  }

  private clientId(): string {
    const { clientId, clientSecret } = this.config.google;
    if (!clientId || !clientSecret) {
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.PROVIDER_NOT_CONFIGURED, 'Google OAuth is not configured on this server');
    }
    return clientId;
  }
}
