/** What other modules use from auth. Every route is protected unless marked `@Public()`. */
export { AuthModule } from './auth.module';
export { AuthUser } from './auth-user.dto';
export { CurrentSession, CurrentUser } from './current-user.decorator';
export { JwtAuthGuard } from './jwt-auth.guard';
export { ConnectedPlatformsReader } from './connected-platforms.reader';
