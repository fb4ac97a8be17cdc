import { readFileSync } from 'node:fs';
import { OptionsError, optionsFromEnv } from './config';
import { startSandbox } from './sandbox';

async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromEnv(process.env, (path) => readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const sandbox = await startSandbox(options);
  // The watch page yt-dlp reads for video files is served here too; tests pass it separately because
  // only the suites that download videos want it.
  const env = Object.entries({ ...sandbox.env, YOUTUBE_WATCH_URL: `${sandbox.url}/watch` })
    .map(([name, value]) => `  ${name}=${value}`)
    .join('\n');
  const accounts = sandbox.admin
    .accounts()
    .map((a) => `  ${a.key} <${a.email}>: ${a.hasChannel ? `${a.videos} videos, channel ${a.channelId}` : 'no YouTube channel'}`)
    .join('\n');
  process.stdout.write(
    `Star Export platform sandbox listening on ${sandbox.url}\n\n` +
      `Point Star Export at it with:\n${env}\n\n` +
      `Synthetic accounts (choose one with login_hint=<key>):\n${accounts}\n\n` +
      `Admin API: ${sandbox.url}/__admin (see apps/platform-sandbox/README.md)\n`,
  );
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`platform sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
