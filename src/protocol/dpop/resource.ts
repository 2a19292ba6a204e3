// DPoP at a protected resource (RFC 9449 §7): the DPoP scheme needs a proof for its token; a bound token needs the scheme.
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { responseNonce } from './nonce.ts';
import { checkDpopProof } from './proof.ts';

/** How the request presented its access token: `Authorization: Bearer` (or a form body), or `Authorization: DPoP`. */
export type TokenScheme = 'bearer' | 'dpop';

export interface ResourceProofInput {
  scheme: TokenScheme;
  accessToken: string;
  /** The DPoP header(s) as received. */
  header: string | string[] | undefined;
  method: string;
  /** The resource's public URL (deps.endpoints.*). */
  url: string;
}

/**
 * §7.1: for the DPoP scheme, the thumbprint of a valid proof for this request and this access token (ath);
 * for the Bearer scheme, undefined: no proof is read, the token must simply not be bound (bindingMismatch).
 */
export async function resourceProof(
  input: ResourceProofInput,
  deps: ProtocolDeps,
): Promise<string | undefined | OAuthError> {
  if (input.scheme === 'bearer') return undefined;
  const proof = await checkDpopProof(
    { header: input.header, method: input.method, url: input.url, accessToken: input.accessToken },
    deps,
  );
  if (proof instanceof OAuthError) return proof;
  if (proof === undefined) {
    const nonce = responseNonce(deps);
    return new OAuthError('invalid_dpop_proof', 'the DPoP authorization scheme needs a DPoP proof header', {
      hint: 'challenge-dpop',
      ...(nonce === undefined ? {} : { dpopNonce: nonce }),
    });
  }
  return proof.jkt;
}

/** §7.1, §7.2: why the token's binding does not fit the way it was presented (an invalid_token), or undefined. */
export function bindingMismatch(
  scheme: TokenScheme,
  tokenJkt: string | null,
  proofJkt: string | undefined,
): string | undefined {
  // §7.2: a DPoP-bound token presented as a bearer token must be refused, or binding would mean nothing.
  if (scheme === 'bearer') {
    return tokenJkt === null
      ? undefined
      : 'this access token is DPoP-bound: present it with the DPoP scheme and a DPoP proof';
  }
  if (tokenJkt === null) return 'this access token is not DPoP-bound: present it with the Bearer scheme';
  return tokenJkt === proofJkt
    ? undefined
    : 'the DPoP proof key is not the key this access token is bound to';
}
