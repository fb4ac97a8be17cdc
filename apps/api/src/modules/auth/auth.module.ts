import { createSecretKey } from 'node:crypto';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { GoogleAccounts } from './google/google-accounts';
import { GoogleAuthController } from './google/google-auth.controller';
import { GoogleSignIn } from './google/google-sign-in';
import { OAuthState } from './google/oauth-state.entity';
import { JwtAuthGuard } from './jwt-auth.guard';
import { noStore } from '../../common/no-store.middleware';
import { RateLimitModule } from '../../common/rate-limit/rate-limit.module';
import { LoginThrottle } from './passwords/login-throttle';
import { PasswordHasher } from './passwords/password-hasher';
import { AccessTokens } from './tokens/access-tokens';
import { DownloadCookie } from './tokens/download-cookie';
import { RefreshToken } from './tokens/refresh-token.entity';
import { RefreshTokens } from './tokens/refresh-tokens';
import { SessionCache } from './tokens/session-cache';
import { SessionEvents } from './tokens/session-events';
import { Sessions } from './tokens/sessions';
import { User } from './users/user.entity';
import { UsersService } from './users/users.service';

/**
 * Accounts, sign-in (password and Google), token sessions and the global JwtAuthGuard, which
 * AppModule registers as an APP_GUARD. Other modules use what index.ts exports. The platforms a user
 * has connected come from a ConnectedPlatformsReader the application provides, not from an import of
 * the Platforms module, which itself depends on this one.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, RefreshToken, OAuthState]),
    RateLimitModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: ({ jwt }: AppConfig) => {
        // A key object, not the string: jsonwebtoken would otherwise try to parse the string as a
        // public key on every sign and verify before treating it as a secret.
        const key = createSecretKey(Buffer.from(jwt.secret, 'utf8'));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256' as const, issuer: jwt.issuer, audience: jwt.audience },
          verifyOptions: {
            algorithms: ['HS256' as const],
            issuer: jwt.issuer,
            audience: jwt.audience,
            clockTolerance: 5,
          },
        };
      },
    }),
  ],
  controllers: [AuthController, GoogleAuthController],
  providers: [
    AuthService,
    UsersService,
    PasswordHasher,
    LoginThrottle,
    AccessTokens,
    RefreshTokens,
    Sessions,
    SessionEvents,
    SessionCache,
    DownloadCookie,
    GoogleSignIn,
    GoogleAccounts,
    JwtAuthGuard,
  ],
  exports: [JwtAuthGuard, Sessions, SessionEvents, DownloadCookie],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(noStore).forRoutes(AuthController, GoogleAuthController);
  }
}
