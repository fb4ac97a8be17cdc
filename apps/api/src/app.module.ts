import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { EnvelopeInterceptor } from './common/envelope.interceptor';
import { checkJsonBody } from './common/json-body.middleware';
import { rejectNulBytes } from './common/nul-bytes.middleware';
import { LoggingModule } from './common/logging/logging.module';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { PlatformAdaptersModule } from '@app/platform-adapters';
import { ConnectedPlatformsBinding } from './connected-platforms.binding';
import { AuthModule, JwtAuthGuard } from './modules/auth';
import { ExportModule } from './modules/export';
import { HealthModule } from './modules/health';
import { PlatformsModule } from './modules/platforms';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        RedisModule,
        DatabaseModule,
        QueueModule,
        RateLimitModule,
        HealthModule,
        PlatformAdaptersModule.forRoot({ settings: config.platformSettings }),
        AuthModule,
        PlatformsModule,
        ConnectedPlatformsBinding,
        ExportModule.forRole(config.role),
      ],
      providers: [
        // Order matters: guards run in registration order, and the rate limit keys by the user that
        // authentication has put on the request.
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(checkJsonBody, rejectNulBytes).forRoutes('*path');
  }
}
