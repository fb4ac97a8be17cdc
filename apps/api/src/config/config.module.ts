import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG } from './config.token';
import type { AppConfig } from './app-config';

/** The config is loaded once by the caller (main.ts or a test) so that boot fails before Nest starts. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
