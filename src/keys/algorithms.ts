// The JWS algorithms Tessera signs with, as a table: how to generate a key and certify it for each.
import type { SigningAlg } from '../shared/algorithms.ts';

export { SIGNING_ALGS, type SigningAlg } from '../shared/algorithms.ts';

const RSA = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

export const ALGORITHMS: Record<
  SigningAlg,
  { generate: Record<string, unknown>; certify: Record<string, unknown> }
> = {
  RS256: {
    generate: { name: 'RSASSA-PKCS1-v1_5', ...RSA },
    certify: { name: 'RSASSA-PKCS1-v1_5', ...RSA },
  },
  PS256: {
    generate: { name: 'RSA-PSS', ...RSA },
    certify: { name: 'RSA-PSS', ...RSA, saltLength: 32 },
  },
  ES256: {
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    certify: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: {
    generate: { name: 'Ed25519' },
    certify: { name: 'Ed25519' },
  },
};
