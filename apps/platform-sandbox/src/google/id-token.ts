import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Signs OpenID Connect ID tokens with a per-process RSA key (RS256, like Google) and publishes the
 * public half as a JWK set at /oauth2/v3/certs.
 */
export class IdTokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, string>;
  readonly kid: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.kid = createHash('sha256').update(String(jwk.n)).digest('hex').slice(0, 40);
    this.publicJwk = { kty: 'RSA', n: String(jwk.n), e: String(jwk.e), alg: 'RS256', use: 'sig', kid: this.kid };
  }

  jwks(): { keys: Record<string, string>[] } {
    return { keys: [this.publicJwk] };
  }

  sign(claims: Record<string, unknown>): string {
    const header = { alg: 'RS256', kid: this.kid, typ: 'JWT' };
    const input = `${b64json(header)}.${b64json(claims)}`;
    const signature = sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** OIDC at_hash: the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}
