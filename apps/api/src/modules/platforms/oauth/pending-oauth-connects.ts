import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../../database/query-rows';

/** How long a started connect may take to come back from the consent screen. */
export const PENDING_CONNECT_TTL_MINUTES = 10;

export interface NewPendingConnect {
  state: string;
  userId: string;
  platform: string;
  /** Kept here only, never sent anywhere but the platform's token endpoint. */
  codeVerifier?: string;
  /** SHA-256 of the nonce cookie the starting browser holds; the nonce itself is not stored. */
  browserBindingHash: string;
}

export interface PendingConnect {
  userId: string;
  codeVerifier?: string;
  browserBindingHash: string;
  expired: boolean;
}

/**
 * The one-time states of platform OAuth connects (table platform_oauth_states), the same for every
 * platform. Rows are shared by every instance, so a flow may start on one and finish on another.
 */
@Injectable()
export class PendingOAuthConnects {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(pending: NewPendingConnect): Promise<void> {
    await this.db.query(`DELETE FROM platform_oauth_states WHERE expires_at < now()`);
    await this.db.query(
      `INSERT INTO platform_oauth_states (state, user_id, platform, code_verifier, browser_binding_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))`,
      [pending.state, pending.userId, pending.platform, pending.codeVerifier ?? null, pending.browserBindingHash, PENDING_CONNECT_TTL_MINUTES],
    );
  }

  /**
   * Takes the state out whatever happens next: only the request that deletes the row goes on, so a
   * replay, even a concurrent one, finds nothing; and a state a foreign browser brought back is burnt
   * with it, so the code that came with it can never be redeemed through this state.
   */
  async take(state: string, platform: string): Promise<PendingConnect | undefined> {
    const rows = await queryRows<{ user_id: string; code_verifier: string | null; browser_binding_hash: string; expired: boolean }>(
      this.db,
      `DELETE FROM platform_oauth_states WHERE state = $1 AND platform = $2
       RETURNING user_id, code_verifier, browser_binding_hash, expires_at < now() AS expired`,
      [state, platform],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      userId: row.user_id,
      codeVerifier: row.code_verifier ?? undefined,
      browserBindingHash: row.browser_binding_hash,
      expired: row.expired,
    };
  }
}
