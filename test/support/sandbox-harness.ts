import { startSandbox } from '../../apps/platform-sandbox/src';
import type { RunningSandbox, SandboxOptions } from '../../apps/platform-sandbox/src';
import { serialiseServerMode } from './server-mode';
import { startTestApp } from './test-app';
import type { TestApp, TestEnv } from './test-app';

/** The platform sandbox and an app that calls it, for one suite file. */
export interface SandboxHarness {
  sandbox: RunningSandbox;
  t: TestApp;
  /** Stops the app and the sandbox, then hands the turn to the next suite. */
  close(): Promise<void>;
}

/**
 * Takes this suite's turn (see serialiseServerMode), then starts the sandbox and the app pointed at it,
 * which trusts X-Forwarded-For so that every registered user has an address of its own. `env(sandbox)`
 * adds to the app's environment. A failed start stops what it started and gives the turn back: this
 * process goes on to run other suites, and a lock it still held would not count as left by a dead process.
 */
export async function startSandboxHarness(options: SandboxOptions, env: (sandbox: RunningSandbox) => TestEnv = () => ({})): Promise<SandboxHarness> {
  const release = await serialiseServerMode();
  let sandbox: RunningSandbox | undefined;
  try {
    sandbox = await startSandbox({ port: 0, ...options });
    const t = await startTestApp({ TRUST_PROXY: '1', ...sandbox.env, ...env(sandbox) });
    const started = sandbox;
    return {
      sandbox,
      t,
      close: async () => {
        await t.close();
        await started.close();
        release();
      },
    };
  } catch (error) {
    await sandbox?.close();
    release();
    throw error;
  }
}
