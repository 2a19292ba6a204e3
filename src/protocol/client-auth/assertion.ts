// What both JWT client-authentication methods share: reading client_assertion and checking it (RFC 7523 §2.2, §3).
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify, type KeyInput } from 'jose';
import type { Client } from '../../config/live.ts';
import { FAPI2_ALGS, FAPI2_CLOCK_TOLERANCE } from '../../config/profile-fapi2.ts';
import { CLIENT_ASSERTION_ALGS, HMAC_ALGS } from '../../shared/algorithms.ts';
import { sha256 } from '../../shared/crypto.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import type { ClientAuthRequest, Presented } from './method.ts';

/** RFC 7523 §2.2: the one client_assertion_type this server reads. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export const ASSERTION_PARAMS = ['client_assertion_type', 'client_assertion', 'client_id'] as const;

/** exp may be at most this many seconds ahead, and exp - iat no longer: a leaked assertion soon stops working. */
export const MAX_ASSERTION_LIFETIME = 300;
/** FAPI 2.0 SP §5.3.2.1 allows 10 seconds of clock skew on iat and nbf; every client gets the same. */
const TOLERANCE = FAPI2_CLOCK_TOLERANCE;
/** Larger than any honest assertion; a longer one is refused before it is decoded. */
const MAX_LENGTH = 8_192;

const isHmac = (alg: string) => (HMAC_ALGS as readonly string[]).includes(alg);
const invalidClient = (description: string) => new OAuthError('invalid_client', description);

/**
 * The client a client_assertion names (its sub, which must equal its iss), read without verifying:
 * verify() checks it. `family` splits the two methods by the JWS alg: HS* is client_secret_jwt.
 */
export function readAssertion(
  { params }: ClientAuthRequest,
  family: 'hmac' | 'asymmetric',
): Presented | OAuthError | undefined {
  const type = params['client_assertion_type'];
  const assertion = params['client_assertion'];
  if (type === undefined && assertion === undefined) return undefined;
  // RFC 7521 §4.2: both parameters are required; a request missing one or naming another type is malformed.
  if (assertion === undefined)
    return new OAuthError('invalid_request', 'client_assertion_type needs a client_assertion');
  if (type === undefined)
    return new OAuthError('invalid_request', `client_assertion needs client_assertion_type ${JWT_BEARER}`);
  if (type !== JWT_BEARER) {
    return new OAuthError(
      'invalid_request',
      `client_assertion_type must be ${JWT_BEARER} (RFC 7523 section 2.2)`,
    );
  }
  if (assertion.length > MAX_LENGTH)
    return invalidClient(`client_assertion is longer than ${MAX_LENGTH} characters`);
  let alg: unknown;
  let claims: JWTPayload;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    claims = decodeJwt(assertion);
  } catch {
    return invalidClient(
      'client_assertion must be a signed JWT in compact serialization (RFC 7523 section 3)',
    );
  }
  // RFC 7518 §3.6, OIDC Core §9: an unsigned assertion proves nothing.
  if (alg === 'none') return invalidClient('client_assertion must be signed: alg none is never accepted');
  if (typeof alg !== 'string' || !(CLIENT_ASSERTION_ALGS as readonly string[]).includes(alg)) {
    return invalidClient(`client_assertion alg ${String(alg)} is not supported`);
  }
  if (isHmac(alg) !== (family === 'hmac')) return undefined;
  // RFC 7523 §3 (1) and (2), OIDC Core §9: iss and sub are both the client_id.
  if (typeof claims.sub !== 'string' || claims.sub === '' || claims.iss !== claims.sub) {
    return invalidClient('client_assertion iss and sub must both be the client_id (RFC 7523 section 3)');
  }
  return { clientId: claims.sub, proof: assertion };
}

/** How a method finds its key and which algorithms it allows. */
export interface AssertionKeys {
  /** The algorithms the method allows when the client pins none. */
  algs: readonly string[];
  key(client: Client, header: { alg: string; kid?: string }, deps: ProtocolDeps): Promise<KeyInput | string>;
  /** For an unknown client_id: a key no assertion verifies with, so that it costs what a known one costs. */
  decoy(alg: string): KeyInput;
}

/** The algorithms this client's assertions may use: its pinned one, its profile's, or the method's. */
function allowedAlgs(client: Client, method: AssertionKeys): readonly string[] {
  if (client.authSigningAlg !== null) return [client.authSigningAlg];
  return client.profile === 'fapi2' ? method.algs.filter((alg) => FAPI2_ALGS.includes(alg)) : method.algs;
}

const audiences = ({ issuer, endpoints }: ProtocolDeps) => [
  issuer,
  endpoints.token,
  endpoints.par,
  endpoints.introspect,
  endpoints.revoke,
];

const audProblem = (deps: ProtocolDeps, fapi: boolean) =>
  fapi
    ? `client_assertion aud must be the issuer ${deps.issuer}, as a string (FAPI 2.0 SP section 5.3.2.1)`
    : `client_assertion aud must name the issuer ${deps.issuer} or the endpoint it is sent to (RFC 7523 section 3)`;

function claimProblem(error: unknown, deps: ProtocolDeps, fapi: boolean): string {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'client_assertion signature does not verify';
  if (code === 'ERR_JWT_EXPIRED') return 'client_assertion has expired (exp)';
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return 'client_assertion alg is not allowed for this client';
  if (code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED') return 'client_assertion is not a well-formed signed JWT';
  if (reason === 'missing') return `client_assertion must carry ${claim} (RFC 7523 section 3)`;
  if (reason === 'invalid') return `client_assertion ${claim} must be a number of seconds (NumericDate)`;
  if (claim === 'aud') return audProblem(deps, fapi);
  if (claim === 'nbf') return 'client_assertion is not valid yet (nbf)';
  if (claim === 'iss' || claim === 'sub')
    return 'client_assertion iss and sub must both be the client_id (RFC 7523 section 3)';
  return `client_assertion ${claim ?? 'claims'} is not acceptable`;
}

/**
 * Verifies the assertion for the client it names (or for no client: an unknown client_id fails the
 * signature check like a forged assertion). The jti is recorded last, once everything else holds:
 * a forged or malformed assertion never uses up a client's jti.
 */
export async function verifyAssertion(
  presented: Presented,
  client: Client | undefined,
  deps: ProtocolDeps,
  method: AssertionKeys,
): Promise<string | undefined> {
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(presented.proof);
  } catch {
    return 'client_assertion must be a signed JWT in compact serialization (RFC 7523 section 3)';
  }
  const alg = String(header.alg);
  const allowed = client ? allowedAlgs(client, method) : method.algs;
  if (!allowed.includes(alg))
    return `this client signs its client_assertion with ${allowed.join(', ')}, not ${alg}`;
  const hint = typeof header.kid === 'string' ? { alg, kid: header.kid } : { alg };
  const key = client ? await method.key(client, hint, deps) : method.decoy(alg);
  if (typeof key === 'string') return key;
  const fapi = client?.profile === 'fapi2';
  const now = deps.clock.nowSeconds();
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(presented.proof, key, {
      algorithms: [alg],
      issuer: presented.clientId,
      subject: presented.clientId,
      // RFC 7523 §3 (3): the issuer or the token endpoint; PAR (RFC 9126 §2), introspection and
      // revocation authenticate clients the same way, so their own URLs are accepted too.
      audience: fapi ? [deps.issuer] : audiences(deps),
      requiredClaims: ['exp', 'jti'],
      clockTolerance: TOLERANCE,
      currentDate: new Date(now * 1000),
    }));
  } catch (error) {
    return claimProblem(error, deps, fapi);
  }
  if (!client) return 'client_assertion signature does not verify';
  // FAPI 2.0 SP §5.3.2.1: only the issuer identifier, as a string (an array could name another server too).
  if (fapi && typeof claims.aud !== 'string') return audProblem(deps, fapi);
  const exp = claims.exp!;
  if (claims.iat !== undefined && claims.iat > now + TOLERANCE) {
    return `client_assertion iat is in the future (more than ${TOLERANCE} seconds of clock skew)`;
  }
  if (
    exp - now > MAX_ASSERTION_LIFETIME + TOLERANCE ||
    (claims.iat !== undefined && exp - claims.iat > MAX_ASSERTION_LIFETIME)
  ) {
    return `client_assertion lives too long: exp may be at most ${MAX_ASSERTION_LIFETIME} seconds after it is made`;
  }
  if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > 256) {
    return 'client_assertion jti must be a non-empty string of at most 256 characters';
  }
  // RFC 7523 §3 (7): a jti is used once. Recorded in the store, so every node sees it.
  const replayKey = sha256(`client-assertion\n${client.client_id}\n${claims.jti}`);
  if (!(await deps.replay.recordOnce(replayKey, exp + TOLERANCE, now))) {
    return 'client_assertion was already used: its jti is single use (RFC 7523 section 3)';
  }
  return undefined;
}
