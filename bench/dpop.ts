// The client's DPoP key and proofs (RFC 9449 §4.2): one ES256 key per virtual user, a fresh proof per request.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export class DpopKey {
  private constructor(
    private readonly privateKey: PrivateKey,
    private readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const { kty, crv, x, y } = await exportJWK(publicKey);
    // §4.2: the header carries the public key only.
    return new DpopKey(privateKey, { kty, crv, x, y } as JWK);
  }

  /** §4.2: typ dpop+jwt, the public jwk, and htm, htu, iat and a unique jti for this one request. */
  proof(htm: string, htu: string): Promise<string> {
    return new SignJWT({ htm, htu, jti: randomUUID() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk })
      .setIssuedAt()
      .sign(this.privateKey);
  }
}
