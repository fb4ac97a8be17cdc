import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a sealed value is bound to: a ciphertext copied into another row or user fails to open. */
export interface SealContext {
  userId: string;
  platform: string;
  connectionId: string;
}

export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored platform credential cannot be decrypted: ${reason}`);
  }
}

/**
 * AES-256-GCM for platform tokens and cookies at rest. The newest key seals; every key opens, so a
 * key can be rotated by adding the new one and re-sealing lazily. The value carries the id of the
 * key that sealed it: `v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts).
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  /** `keys[0]` seals; the rest are older keys that may still open values. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('TokenCipher needs at least one key');
    for (const key of keys) {
      if (key.length !== 32) throw new Error('Token encryption keys must be 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(keys[0]);
  }

  seal(plaintext: string, context: SealContext): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId) as Buffer, iv);
    cipher.setAAD(associatedData(context, this.currentKeyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  open(sealed: string, context: SealContext): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenDecryptionError('unknown format');
    const [, keyId, iv, ciphertext, tag] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new TokenDecryptionError(`key ${keyId} is not configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(context, keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError('authentication failed');
    }
  }

  /** True when the value was sealed with an older key and should be sealed again. */
  needsResealing(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentKeyId;
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function associatedData(context: SealContext, keyId: string): Buffer {
  return Buffer.from([context.userId, context.platform, context.connectionId, VERSION, keyId].join('|'), 'utf8');
}
