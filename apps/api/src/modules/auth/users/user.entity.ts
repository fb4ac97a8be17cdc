import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Normalised: trimmed, NFKC, lower-case (identity-text.ts). Unique. */
  @Column({ type: 'text' })
  email: string;

  /** NFC, 1 to 100 characters, no control or bidi-override characters. */
  @Column({ type: 'text' })
  name: string;

  /** argon2id PHC string; null for accounts created through Google. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  /** Google's stable account id (`sub`), once the account signed in with Google. */
  @Column({ name: 'google_id', type: 'text', nullable: true })
  googleId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
