/** The platforms module's public entry: what other modules may use; lint refuses deeper imports. */
export { PlatformsModule } from './platforms.module';
export { PlatformsService } from './platforms.service';
export { PlatformAccess } from './platform-access';
export type { ConnectedPlatform, QuotaStanding } from './platform-access';
export { apiErrorFromPlatform } from './platform-errors';
