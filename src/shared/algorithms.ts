// The JWS algorithms Tessera can sign with; a shared vocabulary for config, keys and protocol.
export const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
