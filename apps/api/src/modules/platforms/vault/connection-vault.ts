import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CredentialsRejectedError } from '@app/platform-adapters';
import { credentialsExpiry, parseStoredCredentials, type CredentialStore, type PlatformCredentials } from '@app/platform-adapters';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.token';
import { queryRows } from '../../../database/query-rows';
import { PlatformConnection } from '../platform-connection.entity';
import { SealContext, TokenCipher, TokenDecryptionError } from './token-cipher';

const expiryOf = (credentials: PlatformCredentials): Date | null => credentialsExpiry(credentials) ?? null;

/**
 * Platform credentials at rest: sealed with AES-256-GCM, bound to user, platform and connection.
 * They leave this class only inside a CredentialStore handed to the platform client; no route ever
 * returns them and nothing logs them.
 */
@Injectable()
export class ConnectionVault {
  private readonly cipher: TokenCipher;
  private readonly securityLog = new Logger('Security');

  constructor(
    @InjectConfig() config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.cipher = new TokenCipher([config.tokenEncryptionKey, ...config.previousTokenEncryptionKeys]);
  }

  seal(connection: Pick<PlatformConnection, 'id' | 'userId' | 'platform'>, credentials: PlatformCredentials): string {
    return this.cipher.seal(JSON.stringify(credentials), contextOf(connection));
  }

  /**
   * The credentials in clear. A value that fails to decrypt is never a server error: the connection
   * is marked as needing a reconnect and CredentialsRejectedError ('unreadable') is thrown, as for
   * credentials the platform refused.
   */
  async open(connection: PlatformConnection): Promise<PlatformCredentials> {
    return parseStoredCredentials(await this.plainText(connection));
  }

  /** False (and the connection marked for a reconnect) when the stored credentials do not decrypt. */
  async readable(connection: PlatformConnection): Promise<boolean> {
    try {
      await this.open(connection);
      return true;
    } catch (error) {
      if (error instanceof CredentialsRejectedError && error.reason === 'unreadable') return false;
      throw error;
    }
  }

  /**
   * The credentials of a stored connection, read fresh on every load (another call may have
   * refreshed them) and saved durably before a refreshed token is used. A connection deleted
   * meanwhile (disconnect) makes the next call fail as not connected. An export loads them before
   * every platform call: only the sealed column is read, and the same sealed value is not decrypted
   * twice.
   */
  storeFor(connection: PlatformConnection): CredentialStore {
    let opened: { sealed: string; plain: string } | undefined;
    return {
      load: async () => {
        const [row] = await queryRows<{ credentials: string }>(this.db, 'SELECT credentials FROM platform_connections WHERE id = $1', [connection.id]);
        if (!row) throw new CredentialsRejectedError(connection.platform, 'rejected', 'the platform was disconnected');
        if (opened?.sealed !== row.credentials) {
          const current = { ...connection, credentials: row.credentials };
          opened = { sealed: row.credentials, plain: await this.plainText(current) };
          // Values sealed with a key that was rotated out are sealed again with the current one.
          if (this.cipher.needsResealing(row.credentials)) await this.save(current, parseStoredCredentials(opened.plain));
        }
        // Parsed on every load: each caller gets credentials of its own.
        return parseStoredCredentials(opened.plain);
      },
      save: async (credentials) => {
        await this.save(connection, credentials);
      },
    };
  }

  private async plainText(connection: PlatformConnection): Promise<string> {
    try {
      return this.cipher.open(connection.credentials, contextOf(connection));
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      await this.reportUnreadable(connection, error);
      throw new CredentialsRejectedError(connection.platform, 'unreadable', 'the stored credentials cannot be decrypted; connect the platform again');
    }
  }

  /**
   * A sealed value that fails authentication was altered in the database, or its key is gone: either
   * way a security event. Logged once, by whichever instance first moves the connection out of
   * 'active'; never with the ciphertext.
   */
  private async reportUnreadable(connection: PlatformConnection, error: TokenDecryptionError): Promise<void> {
    const marked: unknown[] = await this.db.query(
      `UPDATE platform_connections SET state = 'needs_reconnect', state_reason = $2, updated_at = now()
        WHERE id = $1 AND state = 'active' RETURNING id`,
      [connection.id, 'stored credentials cannot be decrypted'],
    );
    if (marked.length === 0) return;
    this.securityLog.warn(
      `Stored credentials failed to decrypt (${error.message}) for user ${connection.userId}, platform ${connection.platform}, ` +
        `connection ${connection.id}: possible tampering; the connection now needs a reconnect`,
    );
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
