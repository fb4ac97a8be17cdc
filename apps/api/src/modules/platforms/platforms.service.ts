import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InMemoryCredentialStore, PlatformAdapterRegistry, archiveImporterFor } from '@app/platform-adapters';
import type { PlatformAdapter, PlatformCredentials } from '@app/platform-adapters';
import { DataSource, QueryFailedError } from 'typeorm';
import { ConnectedPlatformsReader } from '../auth';
import { PlatformStatusView, PlatformView } from './dto/platform-views.dto';
import { PlatformConnection } from './platform-connection.entity';
import { apiErrorFromPlatform, platformNotFound } from './platform-errors';
import { QuotaLedgerService } from './quota/quota-ledger.service';
import { ConnectionVault, expiryOf } from './vault/connection-vault';

/** A platform call made while the user waits (connect, disconnect) must not hang the request. */
const REQUEST_TIMEOUT_MS = 30_000;

@Injectable()
export class PlatformsService extends ConnectedPlatformsReader {
  private readonly logger = new Logger(PlatformsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: PlatformAdapterRegistry,
    private readonly vault: ConnectionVault,
    private readonly ledger: QuotaLedgerService,
  ) {
    super();
  }

  /** Each platform's features; those an archive import gives are listed as `archive:<collection>`. */
  catalogue(): PlatformView[] {
    return this.registry.descriptors().map(({ name, displayName, authType, exportFormats, features }) => ({
      name,
      displayName,
      authType,
      exportFormats,
      features: { ...features, ...Object.fromEntries((archiveImporterFor(name)?.collections ?? []).map((collection) => [`archive:${collection}`, true])) },
    }));
  }

  adapter(platform: string): PlatformAdapter {
    if (!this.registry.has(platform)) throw platformNotFound(platform);
    return this.registry.get(platform);
  }

  /**
   * Checks the credentials against the platform's identity endpoint (refreshing once if the access
   * token expired) and stores them sealed, with whose account they open. Connecting again replaces
   * the credentials of the existing connection.
   */
  async connect(userId: string, platform: string, credentials: PlatformCredentials): Promise<void> {
    const adapter = this.adapter(platform);
    const existing = await this.db.getRepository(PlatformConnection).findOneBy({ userId, platform });
    const connectionId = existing?.id ?? randomUUID();
    const store = new InMemoryCredentialStore(credentials);
    let account;
    try {
      account = await adapter.verifyCredentials({
        connectionId,
        credentials: store,
        quota: this.ledger.ledgerFor(userId, adapter),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw apiErrorFromPlatform(error);
    }
    const verified = store.value;
    const fields = {
      accountId: account.accountId,
      accountName: account.name,
      permissions: account.scopes,
      tokenExpiry: account.tokenExpiry ?? expiryOf(verified),
      state: 'active' as const,
      stateReason: null,
    };
    const repository = this.db.getRepository(PlatformConnection);
    if (existing) {
      await repository.update({ id: existing.id }, { ...fields, credentials: this.vault.seal(existing, verified) });
      return;
    }
    const row = { id: connectionId, userId, platform };
    try {
      await repository.insert({ ...row, ...fields, credentials: this.vault.seal(row, verified), lastSync: null });
    } catch (error) {
      // Two connects raced; the other one's row stands and this one's credentials replace its own.
      if (!(error instanceof QueryFailedError)) throw error;
      const winner = await repository.findOneByOrFail({ userId, platform });
      await repository.update({ id: winner.id }, { ...fields, credentials: this.vault.seal(winner, verified) });
    }
  }

  /**
   * Deletes the stored credentials, revoking them at the platform where it offers that. An export
   * still running for this platform fails with PLATFORM_NOT_CONNECTED at its next platform call.
   * Disconnecting a platform that is not connected succeeds too.
   */
  async disconnect(userId: string, platform: string): Promise<void> {
    const adapter = this.adapter(platform);
    const connection = await this.db.getRepository(PlatformConnection).findOneBy({ userId, platform });
    if (!connection) return;
    await this.db.getRepository(PlatformConnection).delete({ id: connection.id });
    if (!adapter.revoke) return;
    try {
      const credentials = await this.vault.open(connection);
      if (credentials.kind === 'oauth') await adapter.revoke(credentials, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    } catch (error) {
      // The local copy is gone either way; the grant also ends on its own at the platform.
      this.logger.warn(`Revoking the ${platform} grant failed: ${(error as Error).message}`);
    }
  }

  async status(userId: string, platform: string): Promise<PlatformStatusView> {
    const adapter = this.adapter(platform);
    const connection = await this.db.getRepository(PlatformConnection).findOneBy({ userId, platform });
    // Credentials that no longer decrypt turn the connection into one that needs a reconnect, here too.
    if (connection?.state === 'active' && !(await this.vault.readable(connection))) connection.state = 'needs_reconnect';
    const quota = await this.ledger.standing(userId, adapter);
    return {
      connected: connection?.state === 'active',
      needsReconnect: connection?.state === 'needs_reconnect',
      account: connection ? { id: connection.accountId, name: connection.accountName } : null,
      lastSync: connection?.lastSync?.toISOString() ?? null,
      tokenExpiry: connection?.tokenExpiry?.toISOString() ?? null,
      permissions: connection?.permissions ?? [],
      quotaUsage: { used: quota.used, limit: quota.limit, resetsAt: quota.resetsAt.toISOString(), reportedPercent: quota.reportedPercent ?? null },
    };
  }

  async connectedPlatformNames(userId: string): Promise<string[]> {
    const rows = await this.db.getRepository(PlatformConnection).find({ where: { userId, state: 'active' }, order: { platform: 'ASC' } });
    return rows.map((row) => row.platform);
  }
}
