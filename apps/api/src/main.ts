import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { readPackageVersion } from './config/package-version';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, readPackageVersion());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  closeOnSignal(app, config.shutdownTimeoutMs);
  await app.listen(config.port, '0.0.0.0');
  const docs = config.apiDocs ? 'API docs at /api/docs' : 'API docs off (API_DOCS=false)';
  process.stdout.write(`Star Export listening on ${config.publicUrl} (${docs})\n`);
}

/**
 * On SIGTERM/SIGINT the app stops taking requests and runs every shutdown hook (running jobs
 * checkpoint first), then exits 0. Should anything hang (a keep-alive socket, a stuck connection),
 * the process still exits within the deadline.
 */
function closeOnSignal(app: INestApplication, timeoutMs: number): void {
  const close = (signal: NodeJS.Signals): void => {
    new Logger('Shutdown').log(`${signal} received: draining, then closing (within ${timeoutMs} ms)`);
    setTimeout(() => {
      process.stderr.write(`Shutdown after ${signal} did not finish within ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => {
        new Logger('Shutdown').log('Closed cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

main().catch((error: unknown) => {
  process.stderr.write(`Star Export failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
