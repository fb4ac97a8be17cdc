import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAuthBrowserBinding } from './oauth/browser-binding';
import { OAuthConnectService } from './oauth/oauth-connect.service';
import { PendingOAuthConnects } from './oauth/pending-oauth-connects';
import { PlatformOAuthController } from './oauth/platform-oauth.controller';
import { PlatformAccess } from './platform-access';
import { PlatformAccessService } from './platform-access.service';
import { PlatformConnection } from './platform-connection.entity';
import { PlatformsController } from './platforms.controller';
import { PlatformsService } from './platforms.service';
import { QuotaLedgerService } from './quota/quota-ledger.service';
import { ConnectionVault } from './vault/connection-vault';

/**
 * Connections to platforms: the catalogue, connect (tokens or server-side OAuth), status and
 * disconnect; the sealed token vault; the quota ledger. Other modules see only PlatformAccess.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PlatformConnection])],
  controllers: [PlatformsController, PlatformOAuthController],
  providers: [
    PlatformsService,
    OAuthConnectService,
    PendingOAuthConnects,
    OAuthBrowserBinding,
    ConnectionVault,
    QuotaLedgerService,
    PlatformAccessService,
    { provide: PlatformAccess, useExisting: PlatformAccessService },
  ],
  exports: [PlatformAccess, PlatformsService],
})
export class PlatformsModule {}
