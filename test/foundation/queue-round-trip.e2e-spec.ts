import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Job, Queue } from 'bullmq';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { AppConfigModule } from '../../apps/api/src/config/config.module';
import { DatabaseModule } from '../../apps/api/src/database/database.module';
import { QueueModule } from '../../apps/api/src/queue/queue.module';
import { RedisModule } from '../../apps/api/src/redis/redis.module';
import { createScratchDatabase, flushRedis, serverMode, tempDir } from '../support/test-app';

const processed: string[] = [];

@Processor('round-trip', { drainDelay: 1 })
class DoublingProcessor extends WorkerHost {
  async process(job: Job<{ value: number }>): Promise<number> {
    processed.push(job.id as string);
    return job.data.value * 2;
  }
}

@Injectable()
class Producer {
  constructor(@InjectQueue('round-trip') readonly queue: Queue) {}
}

/** The queue backend of the current mode (PostgreSQL embedded, Redis in server mode) runs a job end to end. */
describe(`Queue round trip (${serverMode() ? 'server' : 'embedded'} mode)`, () => {
  let moduleRef: TestingModule;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: tempDir(), LOG_LEVEL: 'silent' };
    if (env.DATABASE_URL) {
      const scratch = await createScratchDatabase();
      env.DATABASE_URL = scratch.url;
      dropDatabase = scratch.drop;
    }
    if (env.REDIS_URL) await flushRedis(env.REDIS_URL);
    moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(loadConfig(env, 'test')),
        RedisModule,
        DatabaseModule,
        QueueModule,
        BullModule.registerQueue({ name: 'round-trip' }),
      ],
      providers: [DoublingProcessor, Producer],
    }).compile();
    moduleRef.enableShutdownHooks();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await dropDatabase?.();
  });

  it('enqueues, processes and completes a job, once, under its own id', async () => {
    const { queue } = moduleRef.get(Producer);
    await queue.add('double', { value: 21 }, { jobId: 'job-a' });
    // Re-adding the same id while the job exists must not run it twice.
    await queue.add('double', { value: 21 }, { jobId: 'job-a' });
    // Polls for up to 30 s: on a loaded two-core machine pickup can be slow, and this is no timing test.
    for (let attempt = 0; attempt < 300; attempt += 1) {
      if ((await queue.getJobState('job-a')) === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Read the job only once it has completed: a copy read while it ran has no return value yet.
    const job: Job | undefined = await queue.getJob('job-a');
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toBe(42);
    expect(processed).toEqual(['job-a']);
  });
});
