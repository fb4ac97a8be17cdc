import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.token';
import { MIGRATIONS } from './migrations';
import { POSTGRES_ENDPOINT, PostgresEndpoint, openPostgresEndpoint } from './postgres-endpoint';

@Global()
@Module({
  providers: [{ provide: POSTGRES_ENDPOINT, inject: [APP_CONFIG], useFactory: openPostgresEndpoint }],
  exports: [POSTGRES_ENDPOINT],
})
class PostgresEndpointModule implements OnApplicationShutdown {
  constructor(@Inject(POSTGRES_ENDPOINT) private readonly endpoint: PostgresEndpoint) {}

  // Runs after TypeORM and the queue have closed their pools (they close in onModuleDestroy/shutdown
  // hooks of modules that depend on this one).
  async onApplicationShutdown(): Promise<void> {
    await this.endpoint.stop().catch(() => undefined);
  }
}

@Module({
  imports: [
    PostgresEndpointModule,
    TypeOrmModule.forRootAsync({
      inject: [POSTGRES_ENDPOINT],
      useFactory: (endpoint: PostgresEndpoint) => ({
        type: 'postgres' as const,
        url: endpoint.pool.connectionString,
        host: endpoint.pool.host,
        port: endpoint.pool.port,
        username: endpoint.pool.user,
        password: endpoint.pool.password,
        database: endpoint.pool.database,
        extra: { max: endpoint.maxPool },
        autoLoadEntities: true,
        synchronize: false,
        migrations: MIGRATIONS,
        migrationsRun: true,
        migrationsTransactionMode: 'each' as const,
        uuidExtension: 'pgcrypto' as const,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
})
export class DatabaseModule {}
