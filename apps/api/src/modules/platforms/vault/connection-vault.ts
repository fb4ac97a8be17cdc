import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { credentialsExpiry, parseStoredCredentials, type CredentialStore, type PlatformCredentials } from '@app/platform-adapters';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { PlatformConnection } from '../platform-connection.entity';
import { SealContext, TokenCipher } from './token-cipher';

const expiryOf = (credentials: PlatformCredentials): Date | null => credentialsExpiry(credentials) ?? null;

/**
 * Platform credentials at rest: sealed with AES-256-GCM, bound to user, platform and connection.
 * They leave this class only inside a CredentialStore handed to the platform client; no route ever
 * returns them and nothing logs them.
 */
@Injectable()
export class ConnectionVault {
  private readonly cipher: TokenCipher;

  constructor(
    @InjectConfig() config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.cipher = new TokenCipher([config.tokenEncryptionKey, ...config.previousTokenEncryptionKeys]);
  }

  seal(connection: Pick<PlatformConnection, 'id' | 'userId' | 'platform'>, credentials: PlatformCredentials): string {
    return this.cipher.seal(JSON.stringify(credentials), contextOf(connection));
  }

  open(connection: PlatformConnection): PlatformCredentials {
    return parseStoredCredentials(this.cipher.open(connection.credentials, contextOf(connection)));
  }

  /**
   * The credentials of a stored connection, read fresh on every load (another call may have
   * refreshed them) and saved durably before a refreshed token is used. A connection deleted
   * meanwhile (disconnect) makes the next call fail as not connected.
   */
  storeFor(connection: PlatformConnection): CredentialStore {
    const repository = this.db.getRepository(PlatformConnection);
    return {
      load: async () => {
        const current = await repository.findOneBy({ id: connection.id });
        if (!current) throw new CredentialsRejectedError(connection.platform, 'rejected', 'the platform was disconnected');
        const credentials = this.open(current);
        // Values sealed with a key that was rotated out are sealed again with the current one.
        if (this.cipher.needsResealing(current.credentials)) await this.save(current, credentials);
        return credentials;
      },
      save: async (credentials) => {
        await this.save(connection, credentials);
      },
    };
  }

  private async save(connection: Pick<PlatformConnection, 'id' | 'userId' | 'platform'>, credentials: PlatformCredentials): Promise<void> {
    await this.db.getRepository(PlatformConnection).update(
      { id: connection.id },
      { credentials: this.seal(connection, credentials), tokenExpiry: expiryOf(credentials) },
    );
  }
}

function contextOf(connection: Pick<PlatformConnection, 'id' | 'userId' | 'platform'>): SealContext {
  return { userId: connection.userId, platform: connection.platform, connectionId: connection.id };
}

export { expiryOf };
