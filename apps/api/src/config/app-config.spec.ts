import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'se-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig(env, '1.0.0');
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('runs on embedded defaults with nothing configured', () => {
    const config = loadConfig({ DATA_DIR: dataDir }, '1.0.0');
    expect(config.port).toBe(5000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.storageDir).toBe(join(dataDir, 'exports'));
    expect(config.jwt.accessTtlSeconds).toBe(900);
    expect(config.jwt.refreshTtlSeconds).toBe(30 * 86400);
    expect(config.tokenEncryptionKey).toHaveLength(32);
  });

  it('reports every bad variable at once, one line each', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/db',
      JWT_ACCESS_TTL: 'soon',
      APP_ROLE: 'boss',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(expect.arrayContaining([
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
      'DATABASE_URL must be a postgres: or postgresql: URL (got "mysql://localhost/db")',
      'JWT_ACCESS_TTL must be a duration such as 15m, 12h or 30d (got "soon")',
      'APP_ROLE must be one of all, api, worker (got "boss")',
    ]));
  });

  it('reports bad platform settings with the rest, as the platform that reads them words them', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir,
      PORT: 'eighty',
      YOUTUBE_API_URL: 'ftp://example.com/youtube',
      GOOGLE_CLIENT_ID: 'id-without-a-secret',
      MEDIA_ALLOWED_HOSTS: '*.com',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT must be a whole number from 0 to 65535 (got "eighty")',
        'YOUTUBE_API_URL must be an http(s) URL without user info (got "ftp://example.com/youtube")',
        'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together',
        'MEDIA_ALLOWED_HOSTS entry "*.com" is a wildcard over a whole top-level domain',
      ]),
    );
  });

  it('hands the platform adapters the environment it was loaded from', () => {
    const config = loadConfig({ DATA_DIR: dataDir, YOUTUBE_API_URL: 'http://127.0.0.1:5100/youtube/v3' }, '1.0.0');
    expect(config.platformSettings.YOUTUBE_API_URL).toBe('http://127.0.0.1:5100/youtube/v3');
  });

  it('requires real secrets in production instead of generating them', () => {
    expect(problemsOf({ DATA_DIR: join(dataDir, 'prod'), NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
      'TOKEN_ENCRYPTION_KEY is required when NODE_ENV=production',
    ]);
    expect(
      problemsOf({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: 'short', TOKEN_ENCRYPTION_KEY: 'abc' }),
    ).toEqual([
      'JWT_SECRET must be at least 32 bytes (256 bits)',
      'TOKEN_ENCRYPTION_KEY must be 32 bytes, base64 encoded (openssl rand -base64 32)',
    ]);
  });

  it('serves the API docs by default, but not in production unless API_DOCS=true', () => {
    const secrets = { JWT_SECRET: 'x'.repeat(32), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadConfig({ DATA_DIR: dataDir }, '1').apiDocs).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, API_DOCS: 'false' }, '1').apiDocs).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', ...secrets }, '1').apiDocs).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', API_DOCS: 'true', ...secrets }, '1').apiDocs).toBe(true);
    expect(problemsOf({ DATA_DIR: dataDir, API_DOCS: 'yes' })).toEqual(['API_DOCS must be one of true, false (got "yes")']);
  });

  it('trusts forwarded addresses only when TRUST_PROXY says how many hops', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, '1').trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '2' }, '1').trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'true' }, '1').trustProxy).toBe(1);
  });
});
