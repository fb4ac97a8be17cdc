import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../support/redis-server';
import { tempDir } from '../support/test-app';

const root = join(__dirname, '../..');

/** What `npm start` runs after building: the compiled service, on embedded defaults. */
function startBuiltService(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('The start command', () => {
  const dataDir = tempDir();

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.js')], { cwd: root, stdio: 'ignore' });
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves a healthy service with nothing configured and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const service = startBuiltService({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' });
    try {
      let res: request.Response | undefined;
      for (let attempt = 0; attempt < 120 && res?.status !== 200; attempt += 1) {
        res = await request(`http://127.0.0.1:${port}`)
          .get('/api/health')
          .catch(() => undefined);
        if (res?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(res?.body.data).toMatchObject({ status: 'healthy', services: { redis: 'not configured' } });
      expect(service.output()).toContain(`listening on http://localhost:${port}`);

      // Credentials never reach the logs: headers, query parameters and cookies are redacted.
      await request(`http://127.0.0.1:${port}`)
        .get('/api/auth/me?token=link-secret-1&code=oauth-code-2&state=state-3&page=2')
        .set('Authorization', 'Bearer header-secret-4')
        .set('Cookie', 'session=cookie-secret-5')
        .set('X-Request-Id', 'log-check-1');
      for (let attempt = 0; attempt < 40 && !service.output().includes('log-check-1'); attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const logLine = service.output().split('\n').find((line) => line.includes('log-check-1')) ?? '';
      expect(JSON.parse(logLine)).toMatchObject({ req: { id: 'log-check-1', method: 'GET' }, res: { statusCode: 401 } });
      expect(logLine).toContain('page=2');
      for (const secret of ['link-secret-1', 'oauth-code-2', 'state-3', 'header-secret-4', 'cookie-secret-5']) {
        expect(service.output()).not.toContain(secret);
      }
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await exitOf(service.child)).toBe(0);
  });

  it('refuses to boot on bad configuration, naming each bad variable', async () => {
    const service = startBuiltService({ DATA_DIR: dataDir, PORT: 'http', REDIS_URL: 'localhost:6379' });
    expect(await exitOf(service.child)).toBe(78);
    expect(service.output()).toContain('PORT must be a whole number from 0 to 65535 (got "http")');
    expect(service.output()).toContain('REDIS_URL must be a redis: or rediss: URL (got "localhost:6379")');
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
