// Left-half hashes (at_hash, and c_hash should a hybrid flow come): the hash follows the ID token's alg.
import { createHash } from 'node:crypto';
import type { SigningAlg } from '../../shared/algorithms.ts';

/**
 * OIDC Core §3.1.3.6, §3.3.2.11: the hash the JWS alg uses, SHA-256 for *256 (SHA-384 and SHA-512
 * for *384 and *512, once offered). EdDSA names no hash; the OpenID Foundation's resolution
 * for Ed25519 is SHA-512 (Ed448 would take SHAKE256, and Tessera signs only with Ed25519).
 */
const HASH_OF_ALG: Record<SigningAlg, 'sha256' | 'sha384' | 'sha512'> = {
  RS256: 'sha256',
  PS256: 'sha256',
  ES256: 'sha256',
  EdDSA: 'sha512',
};

/** base64url of the left-most half of the hash of the value's ASCII octets. */
export function leftHalfHash(value: string, alg: SigningAlg): string {
  const digest = createHash(HASH_OF_ALG[alg]).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
