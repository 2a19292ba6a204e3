// Signs JWTs with the in-memory active key of the requested algorithm; the header carries kid and x5t.
import { SignJWT } from 'jose';
import type { Clock } from '../shared/clock.ts';
import type { SigningAlg } from './algorithms.ts';
import type { KeyRing } from './keyring.ts';

export interface JwtOptions {
  alg: SigningAlg;
  /** JOSE typ header: "JWT" by default, "at+jwt" for RFC 9068 access tokens. */
  typ?: string;
}

export type JwtSigner = (claims: Record<string, unknown>, options: JwtOptions) => Promise<string>;

export function createJwtSigner(keyRing: KeyRing, clock: Clock): JwtSigner {
  return async (claims, options) => {
    // Right after a first start, a key other than RS256 may still be in the making (keyring.ts).
    if (!keyRing.has(options.alg, clock.nowSeconds())) await keyRing.settled();
    const key = keyRing.active(options.alg, clock.nowSeconds());
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, typ: options.typ ?? 'JWT', kid: key.kid, x5t: key.x5t })
      .sign(key.privateKey);
  };
}
