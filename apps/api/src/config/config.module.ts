import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG } from './config.token';
import type { AppConfig } from './app-config';
import { ShutdownState } from '../common/shutdown-state';

/**
 * The config is loaded once by the caller (main.ts or a test) so that boot fails before Nest starts.
 * The process-wide shutdown state lives here too, as every module may need to know it.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, ShutdownState],
      exports: [APP_CONFIG, ShutdownState],
    };
  }
}
