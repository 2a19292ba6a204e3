// Request objects (RFC 9101 JAR): a JWS the client signed; its claims are the authorization request.
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, type KeyInput } from 'jose';
import type { Client } from '../../config/live.ts';
import { FAPI2_ALGS, FAPI2_CLOCK_TOLERANCE } from '../../config/profile-fapi2.ts';
import { CLIENT_ASSERTION_ALGS, HMAC_ALGS } from '../../shared/algorithms.ts';
import { AUTHORIZE_PARAMS, MULTI_VALUED_PARAMS } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import type { RawParams } from '../params/parse.ts';

/** What discovery advertises (request_object_signing_alg_values_supported): never `none` (RFC 9101 §10.2). */
export const REQUEST_OBJECT_ALGS: readonly string[] = CLIENT_ASSERTION_ALGS;

/** Far above any real request object; a longer one is refused before it is decoded. */
const MAX_LENGTH = 32_768;

/** RFC 9101 §4: `oauth-authz-req+jwt` is recommended; a plain JWT (or no typ) is what OIDC Core §6.1 clients send. */
const TYPES = new Set(['oauth-authz-req+jwt', 'application/oauth-authz-req+jwt', 'jwt', 'application/jwt']);

/** FAPI 2.0 Message Signing §5.3.1: nbf at most 60 minutes ago, exp at most 60 minutes after nbf. */
const FAPI_MAX_WINDOW = 3600;

const invalid = (description: string, detail?: string) =>
  new OAuthError('invalid_request_object', description, detail === undefined ? {} : { detail });

/**
 * Verifies a request object for `client` and returns the authorization parameters it carries. Only those
 * count: RFC 9101 §6.3 has the server ignore the parameters outside it (client_id must match, §5).
 */
export async function verifyRequestObject(
  jwt: string,
  client: Client,
  deps: ProtocolDeps,
): Promise<RawParams | OAuthError> {
  if (jwt.length > MAX_LENGTH) return invalid('the request object is too large');
  const parts = jwt.split('.').length;
  // RFC 9101 §6.1 allows encryption; this server publishes no encryption keys, so none can be valid.
  if (parts === 5) return invalid('encrypted request objects are not supported; send a signed JWT');
  if (parts !== 3) return invalid('the request object is not a JWT');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return invalid('the request object is not a JWT');
  }
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const algProblem = algorithmProblem(alg, client);
  if (algProblem) return invalid(algProblem);
  if (header.typ !== undefined && !TYPES.has(String(header.typ).toLowerCase()))
    return invalid('the request object typ must be oauth-authz-req+jwt');
  const key = await verificationKey(client, alg, header.kid, deps);
  if (typeof key === 'string') return invalid(key);
  const fapi = client.profile === 'fapi2';
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, key, {
      algorithms: [alg],
      // RFC 9101 §10.2 / FAPI 2.0 MS §5.3.1: iss is the client, aud this server's issuer.
      issuer: client.client_id,
      audience: deps.issuer,
      currentDate: new Date(deps.clock.nowSeconds() * 1000),
      clockTolerance: FAPI2_CLOCK_TOLERANCE,
      requiredClaims: fapi ? ['exp', 'nbf'] : [],
    }));
  } catch (error) {
    return invalid(verificationProblem(error), error instanceof Error ? error.message : undefined);
  }
  if (fapi) {
    const now = deps.clock.nowSeconds();
    const { nbf, exp } = payload as { nbf: number; exp: number };
    if (now - nbf > FAPI_MAX_WINDOW) return invalid('the request object nbf is more than 60 minutes ago');
    if (exp - nbf > FAPI_MAX_WINDOW)
      return invalid('the request object must expire within 60 minutes of nbf');
  }
  return paramsOf(payload, client);
}

/** RFC 9101 §10.2: an allowed alg, the client's registered one when it has one, FAPI's list for FAPI clients. */
function algorithmProblem(alg: string, client: Client): string | undefined {
  if (alg === '' || alg.toLowerCase() === 'none')
    return 'the request object must be signed (alg none is refused)';
  if (!REQUEST_OBJECT_ALGS.includes(alg)) return `the request object alg ${alg} is not supported`;
  if (client.requestObjectAlg !== null && alg !== client.requestObjectAlg)
    return `this client signs request objects with ${client.requestObjectAlg}`;
  if (client.profile === 'fapi2' && !FAPI2_ALGS.includes(alg))
    return `FAPI 2.0 (§5.4.1) allows ${FAPI2_ALGS.join(', ')} for request objects`;
  return undefined;
}

/** An HMAC needs the secret itself, which only client_secret_jwt clients leave sealed with the server. */
async function verificationKey(
  client: Client,
  alg: string,
  kid: string | undefined,
  deps: ProtocolDeps,
): Promise<KeyInput | string> {
  if ((HMAC_ALGS as readonly string[]).includes(alg)) {
    if (client.secretSealed === null) return 'HMAC-signed request objects need a client_secret_jwt client';
    return new TextEncoder().encode(deps.unsealSecret(client.secretSealed));
  }
  return deps.clientKeys.keyFor(client, { alg, ...(kid === undefined ? {} : { kid }) });
}

function verificationProblem(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the request object has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the request object iss must be the client_id';
    if (error.claim === 'aud') return "the request object aud must be this server's issuer";
    return `the request object claim ${error.claim} is missing or not valid now`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the request object signature does not verify with the client's key";
  return 'the request object is not a valid signed JWT';
}

/**
 * The authorization parameters among the claims. OIDC Core §6.1: max_age may be a number and claims a
 * JSON object; RFC 8707 resource may be an array. Everything else must be a string.
 */
function paramsOf(payload: JWTPayload, client: Client): RawParams | OAuthError {
  // RFC 9101 §4: a request object must not name another request.
  if (payload['request'] !== undefined || payload['request_uri'] !== undefined)
    return invalid('a request object must not contain request or request_uri');
  // RFC 9101 §5: client_id inside, when present, is the client the request was verified for.
  if (payload['client_id'] !== undefined && payload['client_id'] !== client.client_id)
    return invalid('the request object client_id does not match the client_id parameter');
  const params: RawParams = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = payload[name];
    if (value === undefined || name === 'request' || name === 'request_uri') continue;
    if (typeof value === 'string') params[name] = value;
    else if (name === 'max_age' && Number.isSafeInteger(value)) params[name] = String(value);
    else if (name === 'claims' && typeof value === 'object' && value !== null && !Array.isArray(value))
      params[name] = JSON.stringify(value);
    else return invalid(`the request object member ${name} must be a string`);
  }
  for (const name of MULTI_VALUED_PARAMS) {
    const value = payload[name];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string'))
      return invalid(`the request object member ${name} must be a string or an array of strings`);
    params[name] = values;
  }
  params['client_id'] = client.client_id;
  return params;
}
