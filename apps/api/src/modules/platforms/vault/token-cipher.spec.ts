import { randomBytes } from 'node:crypto';
import { TokenCipher, TokenDecryptionError } from './token-cipher';

describe('TokenCipher', () => {
  const context = { userId: 'u1', platform: 'youtube', connectionId: 'c1' };
  const key = randomBytes(32);

  it('round-trips a token without leaving it readable', () => {
    const cipher = new TokenCipher([key]);
    const sealed = cipher.seal('ya29.secret-access-token', context);
    expect(sealed).not.toContain('ya29');
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(cipher.open(sealed, context)).toBe('ya29.secret-access-token');
  });

  it('uses a fresh IV every time', () => {
    const cipher = new TokenCipher([key]);
    expect(cipher.seal('same', context)).not.toBe(cipher.seal('same', context));
  });

  it('refuses a value moved to another user, platform or connection', () => {
    const cipher = new TokenCipher([key]);
    const sealed = cipher.seal('token', context);
    expect(() => cipher.open(sealed, { ...context, userId: 'u2' })).toThrow(TokenDecryptionError);
    expect(() => cipher.open(sealed, { ...context, platform: 'facebook' })).toThrow(TokenDecryptionError);
    expect(() => cipher.open(sealed, { ...context, connectionId: 'c2' })).toThrow(TokenDecryptionError);
  });

  it('refuses a value with one flipped byte', () => {
    const cipher = new TokenCipher([key]);
    const parts = cipher.seal('token', context).split(':');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.open(parts.join(':'), context)).toThrow(TokenDecryptionError);
  });

  it('opens values sealed with an older key after rotation, and flags them for resealing', () => {
    const oldCipher = new TokenCipher([key]);
    const sealed = oldCipher.seal('token', context);
    const rotated = new TokenCipher([randomBytes(32), key]);
    expect(rotated.open(sealed, context)).toBe('token');
    expect(rotated.needsResealing(sealed)).toBe(true);
    expect(rotated.needsResealing(rotated.seal('token', context))).toBe(false);
    expect(() => new TokenCipher([randomBytes(32)]).open(sealed, context)).toThrow(/not configured/);
  });
});
