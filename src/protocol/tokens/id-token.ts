// ID token claims (OIDC Core §2, §3.1.3.6) plus the seed's jti, nbf and purpose.
import type { Client } from '../../config/live.ts';
import type { Random } from '../../shared/random.ts';
import { leftHalfHash } from './left-half-hash.ts';

export interface IdTokenInput {
  issuer: string;
  client: Client;
  sub: string;
  authTime: number;
  acr: string;
  /** RFC 8176 methods of the login (OIDC Core §2 amr); left out of the token when empty. */
  amr?: readonly string[] | undefined;
  accessToken: string;
  nonce: string | null;
  now: number;
  extra?: Record<string, unknown>;
}

export function idTokenClaims(input: IdTokenInput, random: Random): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...input.extra,
    iss: input.issuer,
    sub: input.sub,
    aud: input.client.client_id,
    azp: input.client.client_id,
    exp: input.now + input.client.idTokenLifetime,
    iat: input.now,
    nbf: input.now,
    jti: random.uuid(),
    auth_time: input.authTime,
    acr: input.acr,
    ...(input.amr && input.amr.length > 0 ? { amr: [...input.amr] } : {}),
    // OIDC Core §3.1.3.6: hashed with the alg the ID token is signed with.
    at_hash: leftHalfHash(input.accessToken, input.client.idTokenAlg),
    purpose: 'id',
  };
  if (input.nonce !== null) claims['nonce'] = input.nonce;
  return claims;
}
