import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, Repository } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import type { AuthUser } from '../auth-user.dto';
import { deriveKey } from '../derived-key';
import { RefreshToken } from './refresh-token.entity';
import { SessionEvents } from './session-events';

/** `<uuid>.<43 base64url characters>`: the row id, then a 256-bit secret. */
const TOKEN_FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * How long a just-retired token still yields its successor. Covers a client whose refresh answer
 * got lost, or two tabs refreshing at once; after that, presenting it again means it was stolen.
 */
const GRACE_SECONDS = 10;

/** A refresh token handed to a client, with what its access token is derived from. */
export interface RefreshGrant {
  id: string;
  userId: string;
  issuedAt: Date;
  refreshToken: string;
}

/** A live session: the account, and the session's id (its refresh-token family). */
export interface LiveSession {
  user: AuthUser;
  sessionId: string;
}

interface IssuedRow {
  id: string;
  user_id: string;
  created_at: Date;
}

/**
 * Opaque refresh tokens, rotated on every use with reuse detection (Auth0's "refresh token
 * rotation"): every token descends from one sign-in (its family), is stored only as a sha256, and
 * can be exchanged once. A retired token presented again outside the grace period revokes the
 * whole family. The family's absolute expiry (JWT_REFRESH_TTL) is never extended. PostgreSQL's
 * clock is the only one these rules read.
 */
@Injectable()
export class RefreshTokens {
  private readonly logger = new Logger('Security');
  private readonly successorKey: Buffer;

  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly events: SessionEvents,
  ) {
    this.successorKey = deriveKey(config.jwt.secret, 'refresh-token-successor');
  }

  /** The first token of a new family (a sign-in). */
  async issue(userId: string): Promise<RefreshGrant> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const [row] = await this.dataSource.query<IssuedRow[]>(
      `INSERT INTO refresh_tokens (id, user_id, family_id, secret_hash, expires_at)
       VALUES ($1, $2, $1, $3, now() + $4::int * interval '1 second')
       RETURNING id, user_id, created_at`,
      [id, userId, sha256(secret), this.config.jwt.refreshTtlSeconds],
    );
    return grant(row, secret);
  }

  /** Exchanges a token for its successor; undefined (answered 401) for anything that may not be exchanged. */
  async rotate(presented: string): Promise<RefreshGrant | undefined> {
    const token = await this.authenticate(presented);
    if (!token) return undefined;
    const successorSecret = this.successorSecret(token.row.id, token.secret);
    // One statement retires the token and inserts its successor: either both happen or neither, and
    // of two concurrent requests only one can retire it.
    const [successor] = await this.dataSource.query<IssuedRow[]>(
      `WITH retired AS (
         UPDATE refresh_tokens SET used_at = now()
         WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, user_id, family_id, expires_at
       )
       INSERT INTO refresh_tokens (id, user_id, family_id, parent_id, secret_hash, expires_at)
       SELECT $2::uuid, user_id, family_id, id, $3::bytea, expires_at FROM retired
       RETURNING id, user_id, created_at`,
      [token.row.id, randomUUID(), sha256(successorSecret)],
    );
    if (successor) return grant(successor, successorSecret);
    return this.replayWithinGrace(token.row, successorSecret);
  }

  /** Logout: ends the family of a genuine token. Anything else is ignored, so logout is idempotent. */
  async revokeFamilyOf(presented: string): Promise<void> {
    const token = await this.authenticate(presented);
    if (token) await this.revokeFamily(token.row.familyId);
  }

  /**
   * The account an access token stands for, and its session: undefined once the session has ended
   * (logout, reuse, a Google link), when the token row is gone or belongs to someone else, or when
   * the account was deleted. One statement, because every authenticated request asks. Expiry is
   * the access token's own `exp`; the family's expiry only limits refreshing.
   */
  async liveSession(id: string, userId: string): Promise<LiveSession | undefined> {
    const [row] = await this.dataSource.query<(AuthUser & { family_id: string })[]>(
      `SELECT u.id, u.email, u.name, t.family_id
       FROM refresh_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.id = $1 AND t.user_id = $2 AND t.revoked_at IS NULL`,
      [id, userId],
    );
    return row && { user: { id: row.id, email: row.email, name: row.name }, sessionId: row.family_id };
  }

  /** Whether a session of this account has not ended; what a download link made in it needs. */
  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL LIMIT 1`,
      [sessionId, userId],
    );
    return rows.length > 0;
  }

  /** Ends every session of the account but one; answers how many ended. */
  async revokeAllBut(userId: string, keptSessionId: string): Promise<number> {
    const rows = await this.dataSource.query<{ family_id: string }[]>(
      `UPDATE refresh_tokens SET revoked_at = now()
       WHERE user_id = $1 AND family_id <> $2 AND revoked_at IS NULL
       RETURNING family_id`,
      [userId, keptSessionId],
    );
    const ended = [...new Set(rows.map((row) => row.family_id))];
    await this.events.ended(ended);
    return ended.length;
  }

  /**
   * The token was already retired. Within the grace period, and only while its successor is still
   * the newest token of the family, the same successor is handed out again (the concurrent-refresh
   * case). Otherwise the token is being replayed: the family is revoked.
   */
  private async replayWithinGrace(row: RefreshToken, successorSecret: string): Promise<RefreshGrant | undefined> {
    const [successor] = await this.dataSource.query<IssuedRow[]>(
      `SELECT s.id, s.user_id, s.created_at
       FROM refresh_tokens p JOIN refresh_tokens s ON s.parent_id = p.id
       WHERE p.id = $1 AND p.revoked_at IS NULL AND p.expires_at > now()
         AND p.used_at > now() - $2::int * interval '1 second'
         AND s.used_at IS NULL AND s.revoked_at IS NULL`,
      [row.id, GRACE_SECONDS],
    );
    if (successor) return grant(successor, successorSecret);
    const retired = await this.tokens.existsBy({ id: row.id, usedAt: Not(IsNull()) });
    if (retired && (await this.revokeFamily(row.familyId)) > 0) {
      this.logger.warn(`Refresh token reuse: revoked token family ${row.familyId} of user ${row.userId}`);
    }
    return undefined;
  }

  private async revokeFamily(familyId: string): Promise<number> {
    const result = await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    const affected = result.affected ?? 0;
    if (affected > 0) await this.events.ended([familyId]);
    return affected;
  }

  /** Finds the row and checks the secret before anything else, so a forged secret changes nothing. */
  private async authenticate(presented: string): Promise<{ row: RefreshToken; secret: string } | undefined> {
    const match = TOKEN_FORMAT.exec(presented);
    if (!match) return undefined;
    const [, id, secret] = match;
    const row = await this.tokens.findOneBy({ id });
    if (!row || !timingSafeEqual(row.secretHash, sha256(secret))) return undefined;
    return { row, secret };
  }

  /**
   * Derived, not random, so a second request with the same token within the grace period yields the
   * same successor although only hashes are stored. Only a holder of the predecessor's secret can
   * derive it, and only with the server's key.
   */
  private successorSecret(predecessorId: string, predecessorSecret: string): string {
    return createHmac('sha256', this.successorKey).update(`${predecessorId}.${predecessorSecret}`).digest('base64url');
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function grant(row: IssuedRow, secret: string): RefreshGrant {
  return { id: row.id, userId: row.user_id, issuedAt: row.created_at, refreshToken: `${row.id}.${secret}` };
}
