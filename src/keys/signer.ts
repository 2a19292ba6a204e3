// Signs JWTs with the in-memory active key; the header carries kid and x5t as in the seed.
import { SignJWT } from 'jose';
import type { JwtSigner } from '../protocol/deps.ts';
import type { SigningKey } from './keyring.ts';

export function createJwtSigner(key: SigningKey): JwtSigner {
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid, x5t: key.x5t };
  return (claims) => new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}
