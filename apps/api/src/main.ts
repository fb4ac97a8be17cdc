import 'reflect-metadata';
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
  installShutdownDeadline(config.shutdownTimeoutMs);
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(`Star Export listening on ${config.publicUrl} (API docs at /api/docs)\n`);
}

/**
 * Nest closes everything on SIGTERM/SIGINT (enableShutdownHooks); running jobs checkpoint first.
 * Should anything hang (a keep-alive socket, a stuck connection), the process still exits in time.
 */
function installShutdownDeadline(timeoutMs: number): void {
  const arm = (): void => {
    setTimeout(() => {
      process.stderr.write(`Shutdown did not finish within ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}

main().catch((error: unknown) => {
  process.stderr.write(`Star Export failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
