import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@app/contracts';
import { PlatformAdapterRegistry } from '@app/platform-adapters';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/api-error';
import { ConnectedPlatform, PlatformAccess, QuotaStanding } from './platform-access';
import { PlatformConnection } from './platform-connection.entity';
import { QuotaLedgerService } from './quota/quota-ledger.service';
import { ConnectionVault } from './vault/connection-vault';

/** The Platforms module's side of PlatformAccess: stored connections turned into call contexts. */
@Injectable()
export class PlatformAccessService extends PlatformAccess {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: PlatformAdapterRegistry,
    private readonly vault: ConnectionVault,
    private readonly ledger: QuotaLedgerService,
  ) {
    super();
  }

  async connected(userId: string, platform: string): Promise<ConnectedPlatform> {
    const connection = await this.db.getRepository(PlatformConnection).findOneBy({ userId, platform });
    if (!connection || !this.registry.has(platform)) {
      throw new ApiError(HttpStatus.CONFLICT, ErrorCode.PLATFORM_NOT_CONNECTED, `${platform} is not connected`);
    }
    if (connection.state === 'needs_reconnect') {
      throw new ApiError(HttpStatus.CONFLICT, ErrorCode.PLATFORM_NOT_CONNECTED, `${platform} needs to be connected again`);
    }
    if (!(await this.vault.readable(connection))) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.PLATFORM_NOT_CONNECTED,
        `${platform} needs to be connected again: its stored credentials can no longer be read. Reconnect ${platform} and start the export again`,
      );
    }
    return this.wrap(connection);
  }

  quota(connection: ConnectedPlatform): Promise<QuotaStanding> {
    return this.ledger.standing(connection.userId, connection.adapter);
  }

  async markNeedsReconnect(connection: ConnectedPlatform, reason: string): Promise<void> {
    await this.db.getRepository(PlatformConnection).update({ id: connection.connectionId }, { state: 'needs_reconnect', stateReason: reason });
  }

  async recordSync(connection: ConnectedPlatform, at: Date): Promise<void> {
    await this.db.getRepository(PlatformConnection).update({ id: connection.connectionId }, { lastSync: at });
  }

  wrap(connection: PlatformConnection): ConnectedPlatform {
    const adapter = this.registry.get(connection.platform);
    const credentials = this.vault.storeFor(connection);
    const quota = this.ledger.ledgerFor(connection.userId, adapter);
    return {
      connectionId: connection.id,
      userId: connection.userId,
      platform: connection.platform,
      adapter,
      callContext: (signal, onWait) => ({ connectionId: connection.id, credentials, quota, signal, onWait }),
    };
  }
}
