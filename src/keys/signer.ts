// Signs JWTs with the in-memory active key; the header carries kid and x5t as in the seed.
import { SignJWT } from 'jose';
import type { SigningKey } from './keyring.ts';

/** Signs a JWT claim set with the active key; the JOSE header (alg, kid, x5t) is the signer's business. */
export type JwtSigner = (claims: Record<string, unknown>) => Promise<string>;

export function createJwtSigner(key: SigningKey): JwtSigner {
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid, x5t: key.x5t };
  return (claims) => new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}
