import { Global, Module } from '@nestjs/common';
import { ConnectedPlatformsReader } from './modules/auth';
import { PlatformsModule, PlatformsService } from './modules/platforms';

/**
 * Auth answers GET /api/auth/me with the user's connected platforms, which the Platforms module
 * knows; Platforms in turn uses Auth's `@CurrentUser()`. Binding Auth's reader to the Platforms
 * service here, where both are visible, keeps the two modules from importing each other.
 */
@Global()
@Module({
  imports: [PlatformsModule],
  providers: [{ provide: ConnectedPlatformsReader, useExisting: PlatformsService }],
  exports: [ConnectedPlatformsReader],
})
export class ConnectedPlatformsBinding {}
