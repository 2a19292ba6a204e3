// DPoP proof checks (RFC 9449 §4.3): one proof, signed by the public key it carries, for this request, fresh, used once.
import { compactVerify, decodeProtectedHeader } from 'jose';
import { ASYMMETRIC_ALGS } from '../../shared/algorithms.ts';
import { safeEqual, sha256 } from '../../shared/crypto.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { ClientRequest } from '../endpoints/client-request.ts';
import { OAuthError } from '../errors.ts';
import { nonceAccepted, responseNonce } from './nonce.ts';
import { type ProofKey, proofKey } from './proof-keys.ts';

/** §4.3 (5): asymmetric algorithms only; never `none`, never an HMAC (the verifier would hold the key). */
export const DPOP_ALGS: readonly string[] = ASYMMETRIC_ALGS;

/** §4.3 (11), §11.1: how old a proof's iat may be, and how far ahead of this server's clock (FAPI 2.0: 10 s). */
export const DPOP_IAT_PAST = 60;
export const DPOP_IAT_FUTURE = 10;

/** Well above a proof with a 4096-bit RSA key; anything longer is not a proof. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

/** §4.3 (7): members only a private (or symmetric) JWK has (priv: AKP, the ML-DSA keys). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

export interface DpopProofInput {
  /** The DPoP header(s) as received. */
  header: ClientRequest['dpop'];
  /** The request's method (htm). */
  method: string;
  /** The endpoint's public URL (deps.endpoints.*): htu is compared with it, never with the Host header. */
  url: string;
  /** At a protected resource: the access token the request presents (ath, §4.3 (12)). */
  accessToken?: string;
}

/** The proof's key thumbprint (RFC 7638), undefined when the request has no DPoP header, or why it is refused. */
export type DpopProofResult = { jkt: string } | undefined | OAuthError;

type Refuse = (description: string, code?: 'invalid_dpop_proof' | 'use_dpop_nonce') => OAuthError;

export async function checkDpopProof(input: DpopProofInput, deps: ProtocolDeps): Promise<DpopProofResult> {
  const { header } = input;
  if (header === undefined) return undefined;
  const nonce = responseNonce(deps);
  // §7.1: at a resource the error is a DPoP challenge; a fresh nonce lets the client retry at once (§8.2).
  const refuse: Refuse = (description, code = 'invalid_dpop_proof') =>
    new OAuthError(code, description, {
      ...(input.accessToken === undefined ? {} : { hint: 'challenge-dpop' as const }),
      ...(nonce === undefined ? {} : { dpopNonce: nonce }),
    });
  // §4.3 (1): exactly one DPoP header. Node joins repeated headers with ", ", which no compact JWS contains.
  if (Array.isArray(header) || header.includes(',')) return refuse('send exactly one DPoP header');
  const proof = header.trim();
  if (proof === '' || proof.length > MAX_PROOF_LENGTH) return refuse('the DPoP header is not a proof JWT');
  const verified = await verifyProof(proof, refuse);
  if (verified instanceof OAuthError) return verified;
  const { payload, jkt } = verified;
  const problem = claimsProblem(payload, input, deps.clock.nowSeconds());
  if (problem !== undefined) return refuse(problem);
  // §8, §9: the server's nonce, in the current or the previous window.
  if (deps.server.dpopNonceRequired && !nonceAccepted(payload['nonce'], deps)) {
    return refuse(
      payload['nonce'] === undefined
        ? 'this server requires a nonce in the DPoP proof; use the one in the DPoP-Nonce header'
        : 'the DPoP proof nonce is invalid or stale; use the one in the DPoP-Nonce header',
      'use_dpop_nonce',
    );
  }
  // §11.1: a jti is accepted once while its iat is in the window, on whichever node sees it first.
  const iat = payload['iat'] as number;
  const key = sha256(`dpop\n${jkt}\n${new URL(input.url).href}\n${payload['jti'] as string}`);
  if (!(await deps.replay.recordOnce(key, iat + DPOP_IAT_PAST + 1, deps.clock.nowSeconds()))) {
    return refuse('the DPoP proof was already used (jti)');
  }
  return { jkt };
}

/** §4.3 (2)-(7): a well-formed JWT of type dpop+jwt, an allowed alg, a public jwk that verifies its signature. */
async function verifyProof(
  proof: string,
  refuse: Refuse,
): Promise<{ payload: Record<string, unknown>; jkt: string } | OAuthError> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return refuse('the DPoP header is not a proof JWT');
  }
  if (header.typ !== 'dpop+jwt') return refuse('the DPoP proof typ must be dpop+jwt');
  if (typeof header.alg !== 'string' || !DPOP_ALGS.includes(header.alg)) {
    return refuse(`the DPoP proof alg must be one of ${DPOP_ALGS.join(' ')}`);
  }
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return refuse('the DPoP proof header must carry the public key as jwk');
  }
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
    return refuse('the DPoP proof jwk must be a public key: it carries private key members');
  }
  let key: ProofKey;
  try {
    key = await proofKey(jwk, header.alg);
  } catch {
    return refuse(`the DPoP proof jwk is not a public key for ${header.alg}`);
  }
  let payload: unknown;
  try {
    const verified = await compactVerify(proof, key.key, { algorithms: [header.alg] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    return refuse('the DPoP proof signature does not verify with its jwk');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse('the DPoP proof payload is not a JSON object');
  }
  return { payload: payload as Record<string, unknown>, jkt: key.jkt };
}

/** §4.3 (3), (8), (9), (11), (12): the claims, or why they do not fit this request. */
function claimsProblem(
  claims: Record<string, unknown>,
  input: DpopProofInput,
  now: number,
): string | undefined {
  const { jti, htm, htu, iat, ath } = claims;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    return `the DPoP proof needs a jti of 1 to ${MAX_JTI_LENGTH} characters`;
  }
  if (htm !== input.method) return `the DPoP proof htm must be ${input.method}`;
  const htuProblem = typeof htu === 'string' ? htuMismatch(htu, input.url) : 'the DPoP proof needs an htu';
  if (htuProblem !== undefined) return htuProblem;
  if (typeof iat !== 'number' || !Number.isInteger(iat)) return 'the DPoP proof needs an integer iat';
  if (now - iat > DPOP_IAT_PAST) return `the DPoP proof is older than ${DPOP_IAT_PAST} seconds (iat)`;
  if (iat - now > DPOP_IAT_FUTURE) return 'the DPoP proof iat is in the future';
  if (input.accessToken !== undefined) {
    if (typeof ath !== 'string') return 'the DPoP proof needs ath, the hash of the access token';
    if (!safeEqual(ath, sha256(input.accessToken))) {
      return 'the DPoP proof ath does not match the access token';
    }
  }
  return undefined;
}

/** §4.3 (9): htu names this endpoint, compared after RFC 3986 §6.2.2-6.2.3 normalisation (what URL parsing does). */
function htuMismatch(htu: string, endpoint: string): string | undefined {
  // §4.2: htu is the target URI without query and fragment parts.
  if (htu.includes('?') || htu.includes('#')) return 'the DPoP proof htu must not have a query or fragment';
  let url: URL;
  try {
    url = new URL(htu);
  } catch {
    return 'the DPoP proof htu is not an absolute URL';
  }
  return url.href === new URL(endpoint).href ? undefined : `the DPoP proof htu must be ${endpoint}`;
}
