import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Manifest } from '../support/archive';
import { withArchive } from '../support/archive';
import { sleep } from '../support/pacing';
import { freePort } from '../support/redis-server';

const root = join(__dirname, '../..');

/** Resolves with the demo's output once it has printed what to do next; fails if it exits first. */
function printedNext(demo: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (/Next:[\s\S]*Ctrl-C stops both/.test(output())) resolve();
    };
    demo.stdout?.on('data', check);
    demo.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}:\n${output()}`)));
  });
}

/**
 * `npm run demo` as a newcomer runs it: the sandbox and the service start, the demo account is signed
 * up with the sandbox channel connected and an export started, and the printed commands fetch a
 * finished archive. Ports of its own, so it runs beside anything else.
 */
describe('npm run demo', () => {
  let demo: ChildProcess | undefined;
  let output = '';
  let dataDir: string | undefined;

  afterAll(async () => {
    if (demo?.pid && demo.exitCode === null) {
      // The demo stops the service and the sandbox on SIGTERM, as on Ctrl-C.
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      demo.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the sandbox and the service, connects a demo channel, and the printed commands download a finished export', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SANDBOX_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    demo = spawn(process.execPath, [join(root, 'scripts/demo.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await printedNext(demo, () => output);

    const api = `http://localhost:${port}`;
    expect(output).toContain(`Star Export demo is running at ${api}`);
    dataDir = /\(data in ([^)]+)\)/.exec(output)?.[1];
    const token = /export TOKEN=(\S+)/.exec(output)?.[1] ?? '';
    const jobId = /started an HTML export: (\S+)/.exec(output)?.[1] ?? '';
    expect(token).not.toBe('');
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // The first printed command, until the export has finished.
    let status = '';
    for (let i = 0; i < 240 && status !== 'completed' && status !== 'failed'; i += 1) {
      if (i > 0) await sleep(500);
      const res = await request(api).get(`/api/export/${jobId}`).set('Authorization', `Bearer ${token}`).expect(200);
      status = (res.body as { data: { status: string } }).data.status;
    }
    expect(status).toBe('completed');

    // The second: the archive, which opens in a browser from its index.
    const demoUser = { auth: { Authorization: `Bearer ${token}` }, pace: () => Promise.resolve() };
    await withArchive({ url: api }, demoUser, jobId, (archive) => {
      expect(archive.json<Manifest>('manifest.json').platform).toBe('youtube');
      expect(archive.read('index.html')).toContain('<title>');
    });
  }, 300_000);
});
