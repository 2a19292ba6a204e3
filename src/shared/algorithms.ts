// The JWS algorithms Tessera signs and verifies with; a shared vocabulary for config, keys and protocol.
export const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** Asymmetric algorithms accepted on what clients sign (assertions, request objects, DPoP proofs). */
export const ASYMMETRIC_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;

/** client_secret_jwt (OIDC Core §9): an HMAC over the shared secret. */
export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;

/** Algorithms a client may sign its assertions or request objects with; never `none` (RFC 7523 §3). */
export const CLIENT_ASSERTION_ALGS = [...ASYMMETRIC_ALGS, ...HMAC_ALGS] as const;
export type ClientAssertionAlg = (typeof CLIENT_ASSERTION_ALGS)[number];
