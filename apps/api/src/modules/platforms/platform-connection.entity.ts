import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ConnectionState = 'active' | 'needs_reconnect';

/** A user's link to one platform. Credentials are sealed JSON (TokenCipher); nothing here is plain. */
@Entity('platform_connections')
export class PlatformConnection {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'text' }) platform: string;
  @Column({ name: 'account_id', type: 'text' }) accountId: string;
  @Column({ name: 'account_name', type: 'text' }) accountName: string;
  @Column({ type: 'jsonb' }) permissions: string[];
  @Column({ type: 'text' }) credentials: string;
  @Column({ name: 'token_expiry', type: 'timestamptz', nullable: true }) tokenExpiry: Date | null;
  @Column({ type: 'text' }) state: ConnectionState;
  @Column({ name: 'state_reason', type: 'text', nullable: true }) stateReason: string | null;
  @Column({ name: 'last_sync', type: 'timestamptz', nullable: true }) lastSync: Date | null;
  @CreateDateColumn({ name: 'connected_at', type: 'timestamptz' }) connectedAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
