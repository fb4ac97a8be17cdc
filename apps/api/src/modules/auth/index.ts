/**
 * The auth module's public entry: what other modules may use. Every route is protected unless marked
 * `@Public()`; lint refuses imports of anything under this folder but this file.
 */
export { AuthModule } from './auth.module';
export { AuthUser } from './auth-user.dto';
export { authRequired, invalidToken } from './auth-errors';
export { CurrentSession } from './current-user.decorator';
export { SessionEvents } from './tokens/session-events';
export { ConnectedPlatformsReader } from './connected-platforms.reader';
export { CurrentUser } from './current-user.decorator';
export { deriveKey } from './derived-key';
export { JwtAuthGuard } from './jwt-auth.guard';
export { DownloadCookie } from './tokens/download-cookie';
export { Sessions } from './tokens/sessions';
