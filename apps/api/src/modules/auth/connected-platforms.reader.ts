import { Injectable } from '@nestjs/common';

/**
 * What GET /api/auth/me needs from the Platforms module: the names of the platforms a user has
 * connected (e.g. `["youtube", "facebook"]`). The Platforms module owns `platform_connections` and
 * provides the real reader; the auth module only depends on this abstract class (a DI token).
 */
export abstract class ConnectedPlatformsReader {
  abstract connectedPlatformNames(userId: string): Promise<string[]>;
}

/**
 * Stands in until the Platforms module exists: nobody can have connected a platform yet. The
 * Platforms module replaces it by exporting `{ provide: ConnectedPlatformsReader, useExisting: <its
 * service> }`, being imported by AuthModule, and this default being removed from AuthModule.
 */
@Injectable()
export class NoConnectedPlatforms extends ConnectedPlatformsReader {
  async connectedPlatformNames(_userId: string): Promise<string[]> {
    return [];
  }
}
