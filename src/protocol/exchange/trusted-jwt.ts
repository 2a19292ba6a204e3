// A JWT from a trusted external issuer (RFC 8693 §3 jwt type): signature with its keys, iss, exp, aud.
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Client } from '../../config/live.ts';
import { ASYMMETRIC_ALGS } from '../../shared/algorithms.ts';
import type { ProtocolDeps } from '../deps.ts';

export interface TrustedJwt {
  iss: string;
  sub: string;
  exp: number;
  claims: JWTPayload;
}

/** The claims of a valid JWT from an issuer the client's policy trusts, or a client-safe reason why not. */
export async function verifyTrustedJwt(
  token: string,
  client: Client,
  deps: ProtocolDeps,
): Promise<TrustedJwt | string> {
  let iss: unknown;
  let header: { alg?: string; kid?: string };
  try {
    iss = decodeJwt(token).iss;
    header = decodeProtectedHeader(token);
  } catch {
    return 'is not a JWT';
  }
  if (typeof iss !== 'string') return 'has no iss claim';
  // Only issuers declared in config and named in this client's policy; nothing else is even fetched.
  const trusted = (deps.config().snapshot.trusted_issuers ?? []).find((t) => t.issuer === iss);
  if (!trusted || !client.tokenExchange?.trusted_issuers.includes(iss)) return 'is not from a trusted issuer';
  if (!deps.trustedIssuerKeys) return 'cannot be verified: no keys for trusted issuers on this server';
  if (!(ASYMMETRIC_ALGS as readonly string[]).includes(header.alg ?? ''))
    return 'is not signed with an accepted algorithm';
  const key = await deps.trustedIssuerKeys.keyFor(
    { client_id: `trusted-issuer ${iss}`, jwks: trusted.jwks ?? null, jwksUri: trusted.jwks_uri ?? null },
    header,
  );
  if (typeof key === 'string') return 'cannot be verified with the trusted issuer keys';
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: iss,
      // RFC 7519 §4.1.3: it must be meant for this server or for the client presenting it.
      audience: [deps.issuer, client.client_id],
      algorithms: [...ASYMMETRIC_ALGS],
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(deps.clock.nowSeconds() * 1000),
    });
    return { iss, sub: payload.sub!, exp: payload.exp!, claims: payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return 'has expired';
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
      return 'is meant for another audience';
    if (error instanceof errors.JWSSignatureVerificationFailed) return 'has an invalid signature';
    return 'is not a valid JWT from its issuer';
  }
}
