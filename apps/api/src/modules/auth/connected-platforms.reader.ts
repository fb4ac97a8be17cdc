/**
 * What GET /api/auth/me needs from the Platforms module: the names of the platforms a user has
 * connected (e.g. `["youtube", "facebook"]`). The Platforms module owns `platform_connections` and
 * implements it; the application binds the two (see connected-platforms.binding.ts), so Auth never
 * depends on Platforms. An abstract class, so that it serves as the DI token.
 */
export abstract class ConnectedPlatformsReader {
  abstract connectedPlatformNames(userId: string): Promise<string[]>;
}
