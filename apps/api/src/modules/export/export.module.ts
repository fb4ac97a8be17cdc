import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, MiddlewareConsumer, Module, NestModule, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppRole } from '../../config/app-config';
import { AuthModule } from '../auth';
import { noStore } from '../../common/no-store.middleware';
import { PlatformsModule } from '../platforms';
import { ArchiveDownloads } from './archive-downloads';
import { DownloadLinks } from './download-link';
import { ExportEventBus } from './events/export-event-bus';
import { ExportGateway } from './events/export.gateway';
import { ExportCheckpoint, ExportJob } from './export-job.entity';
import { ExportController } from './export.controller';
import { ExportJobRepository } from './export-job.repository';
import { ExportService } from './export.service';
import { ExportStorage } from './export-storage';
import { ArchiveImports } from './import/archive-imports';
import { ExportSources } from './import/export-source';
import { ExportMaintenance } from './queue/export-maintenance';
import { MaintenanceLease } from './queue/maintenance-lease';
import { EXPORT_QUEUE, ExportQueue } from './queue/export-queue';
import { ExportProcessor } from './queue/export.processor';
import { RunningExports } from './queue/running-exports';

/**
 * Exports: the HTTP API and socket gateway (roles `all` and `api`) and the queue worker (roles `all`
 * and `worker`), talking only through PostgreSQL, the queue and the event bus.
 */
@Module({})
export class ExportModule implements NestModule {
  /** Export answers are the user's own data: no browser or proxy keeps a copy (downloads say so themselves). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(noStore).forRoutes(ExportController);
  }

  static forRole(role: AppRole): DynamicModule {
    const serves = role !== 'worker';
    const works = role !== 'api';
    // ExportStorage on every role: the API checks free space before a start, workers write the files.
    const providers: Provider[] = [ExportJobRepository, ExportQueue, ExportStorage, ExportService, ExportEventBus, ExportMaintenance, MaintenanceLease, DownloadLinks, ArchiveDownloads, ArchiveImports];
    if (serves) providers.push(ExportGateway);
    if (works) providers.push(ExportProcessor, RunningExports, ExportSources);
    return {
      module: ExportModule,
      imports: [
        TypeOrmModule.forFeature([ExportJob, ExportCheckpoint]),
        BullModule.registerQueue({ name: EXPORT_QUEUE }),
        AuthModule,
        PlatformsModule,
      ],
      controllers: serves ? [ExportController] : [],
      providers,
    };
  }
}
