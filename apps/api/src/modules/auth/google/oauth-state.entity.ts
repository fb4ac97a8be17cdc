import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Google sign-in that was started and not yet finished. The row makes its `state` single-use
 * across instances and keeps the PKCE code_verifier off the URL.
 */
@Entity('oauth_states')
export class OAuthState {
  @PrimaryColumn({ type: 'uuid' })
  nonce: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
