import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { POSTGRES_ENDPOINT, PostgresEndpoint } from '../database/postgres-endpoint';
import { queueOptions } from './queue-connection';

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, POSTGRES_ENDPOINT],
      useFactory: (config: AppConfig, endpoint: PostgresEndpoint) => queueOptions(config, endpoint),
    }),
  ],
})
export class QueueModule {}
