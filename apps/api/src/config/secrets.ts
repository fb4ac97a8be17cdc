import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedSecrets {
  jwtSecret: string;
  tokenEncryptionKey: string;
}

/**
 * Embedded mode must start with nothing configured, yet must never sign tokens with a default
 * secret. So the first start writes random secrets into DATA_DIR/secrets.json (0600) and every later
 * start reads them back: tokens and encrypted platform credentials survive restarts.
 */
export function loadOrCreateSecrets(dataDir: string): GeneratedSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<GeneratedSecrets>;
    if (typeof parsed.jwtSecret === 'string' && typeof parsed.tokenEncryptionKey === 'string') {
      return { jwtSecret: parsed.jwtSecret, tokenEncryptionKey: parsed.tokenEncryptionKey };
    }
    throw new Error(`${file} is not a valid secrets file; remove it to generate new secrets`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: GeneratedSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    tokenEncryptionKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}
