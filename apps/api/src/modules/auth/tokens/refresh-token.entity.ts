import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One refresh token. Tokens that descend from one sign-in share a family; the secret itself is
 * never stored, only its sha256.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When it was exchanged for its successor. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  /** When its family was revoked (logout or reuse). */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Absolute end of the family's life, copied unchanged to every successor. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
