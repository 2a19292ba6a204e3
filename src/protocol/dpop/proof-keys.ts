// The keys DPoP proofs carry, imported once: a client signs every proof with the same key, and importing a
// JWK (through WebCrypto) costs as much as verifying the signature, so a bounded cache keeps the result.
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';

export interface ProofKey {
  key: Awaited<ReturnType<typeof importJWK>>;
  /** RFC 7638 SHA-256 thumbprint: what tokens are bound to (cnf.jkt). */
  jkt: string;
}

/** Enough for every live client key of a busy server; the oldest entry goes first beyond it. */
const MAX_KEYS = 10_000;
const cache = new Map<string, ProofKey>();

/** The imported key and its thumbprint; throws when the JWK is not a public key for `alg`. */
export async function proofKey(jwk: JWK, alg: string): Promise<ProofKey> {
  // The header's JSON as sent: the same key spelled differently is merely imported again.
  const id = `${alg}\n${JSON.stringify(jwk)}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const entry: ProofKey = {
    key: await importJWK(jwk, alg),
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
  };
  if (cache.size >= MAX_KEYS) cache.delete(cache.keys().next().value!);
  cache.set(id, entry);
  return entry;
}
