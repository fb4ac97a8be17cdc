import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { argon2id, hash, needsRehash, verify } from 'argon2';

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2_PARAMETERS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Passwords arrive NFC-normalised by validation (auth-requests.dto.ts). */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  /**
   * A PHC string, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, written in the reference
   * implementation's parameter order (node-argon2 0.45 would write `m=…,p=…,t=…`), as other argon2
   * libraries read and write it.
   */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const digest = await hash(password, { type: argon2id, ...ARGON2_PARAMETERS, salt, raw: true });
    const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_PARAMETERS;
    return `$argon2id$v=19$m=${m},t=${t},p=${p}$${phcBase64(salt)}$${phcBase64(digest)}`;
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  /** True when the stored hash was made with other parameters (or another argon2 variant). */
  needsRehash(passwordHash: string): boolean {
    return !passwordHash.startsWith('$argon2id$') || needsRehash(passwordHash, ARGON2_PARAMETERS);
  }

  /**
   * Does the work of a real check against a hash nobody knows the password of, so that an unknown
   * email takes as long to refuse as a wrong password and sign-in does not reveal who has an account.
   */
  async verifyAgainstDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64url'));
    await verify(await this.dummyHash, password);
  }
}

/** PHC strings use standard base64 without padding. */
const phcBase64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
