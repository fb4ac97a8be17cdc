import { resolve } from 'node:path';
import { checkPlatformSettings, type PlatformSettings } from '@app/platform-adapters';
import { EnvReader } from './env-parsers';
import { loadOrCreateSecrets } from './secrets';

export type AppRole = 'all' | 'api' | 'worker';

export interface GoogleConfig {
  clientId?: string;
  clientSecret?: string;
  callbackUrl: string;
  authUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  revokeUrl: string;
}

/** Everything the service reads from its environment, parsed and checked once at boot. */
export interface AppConfig {
  production: boolean;
  version: string;
  port: number;
  role: AppRole;
  dataDir: string;
  storageDir: string;
  /** Absent in embedded mode: the service then runs its own PostgreSQL (PGlite) in DATA_DIR. */
  databaseUrl?: string;
  /** Absent means the queue runs on PostgreSQL and rate limits and socket fan-out stay in memory. */
  redisUrl?: string;
  jwt: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number; issuer: string; audience: string };
  tokenEncryptionKey: Buffer;
  /** Keys that sealed credentials before the last rotation: they still open, never seal. */
  previousTokenEncryptionKeys: Buffer[];
  publicUrl: string;
  frontendUrl?: string;
  /** Number of proxy hops to trust for the client address, or false to use the socket address. */
  trustProxy: number | false;
  google: GoogleConfig;
  /**
   * The environment as the platform adapters read it: each platform's folder in @app/platform-adapters
   * reads and checks its own names (YOUTUBE_API_URL, YTDLP_PATH, MEDIA_ALLOWED_HOSTS, …); their problems
   * are reported here with the rest at boot.
   */
  platformSettings: PlatformSettings;
  chromiumPath: string;
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Serve Swagger UI at /api/docs and the OpenAPI document at /api/docs-json. */
  apiDocs: boolean;
  exports: {
    /** Exports a user may have queued or running at once. */
    maxActivePerUser: number;
    /** Days a completed archive is kept before the cleanup deletes it. */
    retentionDays: number;
    /** Largest platform archive `POST /api/export/import` accepts, in bytes (IMPORT_MAX_BYTES). */
    importMaxBytes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv, version: string): AppConfig {
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';
  const port = read.int('PORT', 5000, 0, 65535);
  const dataDir = resolve(read.string('DATA_DIR') ?? './data');
  const databaseUrl = read.url('DATABASE_URL', undefined, ['postgres:', 'postgresql:']);
  const redisUrl = read.url('REDIS_URL', undefined, ['redis:', 'rediss:']);
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`) ?? `http://localhost:${port}`;

  const secrets = resolveSecrets(read, production, dataDir);
  const trustProxyRaw = read.string('TRUST_PROXY');
  let trustProxy: number | false = false;
  if (trustProxyRaw !== undefined && trustProxyRaw !== 'false') {
    trustProxy = trustProxyRaw === 'true' ? 1 : read.int('TRUST_PROXY', 0, 0, 10);
  }

  const config: AppConfig = {
    production,
    version,
    port,
    role: read.oneOf('APP_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    dataDir,
    storageDir: resolve(read.string('STORAGE_DIR') ?? resolve(dataDir, 'exports')),
    databaseUrl,
    redisUrl,
    jwt: {
      secret: secrets.jwtSecret,
      accessTtlSeconds: read.duration('JWT_ACCESS_TTL', '15m'),
      refreshTtlSeconds: read.duration('JWT_REFRESH_TTL', '30d'),
      issuer: publicUrl,
      audience: 'star-export-api',
    },
    tokenEncryptionKey: secrets.tokenEncryptionKey,
    previousTokenEncryptionKeys: read.list('TOKEN_ENCRYPTION_PREVIOUS_KEYS', []).map((value, index) => {
      const key = Buffer.from(value, 'base64');
      if (key.length !== 32) read.problems.push(`TOKEN_ENCRYPTION_PREVIOUS_KEYS entry ${index + 1} must be 32 bytes, base64`);
      return key;
    }),
    publicUrl,
    frontendUrl: read.url('FRONTEND_URL'),
    trustProxy,
    google: {
      clientId: read.string('GOOGLE_CLIENT_ID'),
      clientSecret: read.string('GOOGLE_CLIENT_SECRET'),
      callbackUrl: read.url('GOOGLE_CALLBACK_URL', `${publicUrl}/api/auth/google/callback`) as string,
      authUrl: read.url('GOOGLE_AUTH_URL', 'https://accounts.google.com/o/oauth2/v2/auth') as string,
      tokenUrl: read.url('GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token') as string,
      userinfoUrl: read.url('GOOGLE_USERINFO_URL', 'https://openidconnect.googleapis.com/v1/userinfo') as string,
      revokeUrl: read.url('GOOGLE_REVOKE_URL', 'https://oauth2.googleapis.com/revoke') as string,
    },
    platformSettings: Object.freeze({ ...env }),
    chromiumPath: read.string('CHROMIUM_PATH') ?? '/usr/bin/chromium',
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 25_000, 1_000, 600_000),
    exports: {
      maxActivePerUser: read.int('EXPORT_MAX_ACTIVE', 3, 1, 100),
      retentionDays: read.int('EXPORT_RETENTION_DAYS', 7, 1, 3650),
      importMaxBytes: read.int('IMPORT_MAX_BYTES', 20 * 1024 ** 3, 1024, 2 ** 50),
    },
    // The docs map every route for whoever asks: a production server shows them only when told to.
    apiDocs: read.oneOf('API_DOCS', ['true', 'false'] as const, production ? 'false' : 'true') === 'true',
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  };
  read.problems.push(...checkPlatformSettings(env));
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

function resolveSecrets(
  read: EnvReader,
  production: boolean,
  dataDir: string,
): { jwtSecret: string; tokenEncryptionKey: Buffer } {
  let jwtSecret = read.string('JWT_SECRET');
  let encryptionKey = read.string('TOKEN_ENCRYPTION_KEY');
  if (production) {
    if (!jwtSecret) read.problems.push('JWT_SECRET is required when NODE_ENV=production');
    if (!encryptionKey) read.problems.push('TOKEN_ENCRYPTION_KEY is required when NODE_ENV=production');
  } else if (!jwtSecret || !encryptionKey) {
    const generated = loadOrCreateSecrets(dataDir);
    jwtSecret ??= generated.jwtSecret;
    encryptionKey ??= generated.tokenEncryptionKey;
  }
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    read.problems.push('JWT_SECRET must be at least 32 bytes (256 bits)');
  }
  const key = Buffer.from(encryptionKey ?? '', 'base64');
  if (encryptionKey !== undefined && key.length !== 32) {
    read.problems.push('TOKEN_ENCRYPTION_KEY must be 32 bytes, base64 encoded (openssl rand -base64 32)');
  }
  return { jwtSecret: jwtSecret ?? '', tokenEncryptionKey: key };
}
