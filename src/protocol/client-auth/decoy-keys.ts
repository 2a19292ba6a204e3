// Public keys no client holds: an assertion naming an unknown client is checked against one, costing what a real check costs.
import { createPublicKey, type KeyObject } from 'node:crypto';

const jwk = (key: Record<string, string>): KeyObject => createPublicKey({ key, format: 'jwk' });

// Generated once for this file and their private halves thrown away: nothing verifies with them.
const RSA = jwk({
  kty: 'RSA',
  e: 'AQAB',
  n: 'zPP59e6EYuo-UrwPyBxn2YQR4ysrrNzl7oheu7-h-Ub8f52_1jLBVqDlvSafkKheZORX8Zg-OWllvlAZQE8kCttNKB9TNvnG4zn7WOHpiF_eFq5UXJeywd_8jPm9Tfj90Ts4SQ_2tFUDA_4dpl6Xqfn47SrJ_OIyAM655Y1_t9gKm7z5DqD2TZNmUIdSeqYXT-qQpX14EZ8-LkMmtetCxD_Qnq4_N0DdnngewFDDTTxpJhKJx7SjfWbYaJtkLRUlmoGNYAoKnwa-HnPg7iv0A5PhRVEGXhsuOi_TXh30B2jlgHeW3wUDqkpWPSZvJ1KXb6xl7NZnBNokOGBq7iKrbw',
});
const P256 = jwk({
  kty: 'EC',
  crv: 'P-256',
  x: 'CjIcG0rQRfZzLz369ZWjOhyLBk4ImsPYoGbIovOSbmw',
  y: 'SsAkC0jVtxiS0CNxnD-walw6S-NsfFp7fvHk67DjEF4',
});
const P384 = jwk({
  kty: 'EC',
  crv: 'P-384',
  x: 'QU0KhWWSfKJyol2BV8aZoNuoVgidDSnXJtntzfOy0TDmTE_QWrQbXXgvKdp7H18z',
  y: 'IpVhzu3dg-v_r0QuAbnbPJNMgOngz1kD6LHfB0ntjxmJq6XilRhpSm3sHV5NHEaW',
});
const ED25519 = jwk({ kty: 'OKP', crv: 'Ed25519', x: 'z9vchGwFTcKtSYq1Jzs9QYJzp2J6Yrf-g5P9KUJcnIg' });

/** A decoy of the key type the alg needs (RS*, PS*: RSA; ES256: P-256; ES384: P-384; EdDSA: Ed25519). */
export function decoyPublicKey(alg: string): KeyObject {
  if (alg === 'ES256') return P256;
  if (alg === 'ES384') return P384;
  if (alg === 'EdDSA') return ED25519;
  return RSA;
}

/** An HMAC key no client has (client_secret_jwt for an unknown client_id). */
export const DECOY_SECRET = new TextEncoder().encode(
  'no-client-has-this-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
);
