// Recognises ID tokens this server signed (id_token_hint): signature and issuer checked, expiry tolerated.
import { createLocalJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Clock } from '../shared/clock.ts';
import type { KeyRing } from './keyring.ts';

export function createIdTokenHintVerifier(keyRing: KeyRing, issuer: string, clock: Clock) {
  // The key set is rebuilt only when the published keys change, not on every hint.
  let published = keyRing.jwks();
  let keySet = createLocalJWKSet(published);
  return async (token: string): Promise<{ sub: string; aud: string } | undefined> => {
    if (keyRing.jwks() !== published) {
      published = keyRing.jwks();
      keySet = createLocalJWKSet(published);
    }
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, keySet, {
        issuer,
        currentDate: new Date(clock.nowSeconds() * 1000),
      });
      if (verified.protectedHeader.typ === 'at+jwt') return undefined;
      payload = verified.payload;
    } catch (error) {
      // OIDC Core §3.1.2.1: an expired ID token is still a valid hint; the signature was checked first.
      if (!(error instanceof errors.JWTExpired)) return undefined;
      payload = error.payload;
    }
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (typeof payload.sub !== 'string' || typeof aud !== 'string' || payload['purpose'] !== 'id')
      return undefined;
    return { sub: payload.sub, aud };
  };
}
