// The DPoP rules of the token endpoint (RFC 9449 §5, §10): which key a request proves, and what must match it.
import type { Client } from '../../config/live.ts';
import type { StoredToken } from '../../store/ports/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { ClientRequest } from '../endpoints/client-request.ts';
import { OAuthError } from '../errors.ts';
import { responseNonce } from './nonce.ts';
import { checkDpopProof } from './proof.ts';

/**
 * The thumbprint of the key a token request proves, null when it sends no proof (bearer tokens), or why it is
 * refused. Checked before the grant, so a refused proof consumes no code and rotates no refresh token.
 */
export async function tokenRequestJkt(
  request: Pick<ClientRequest, 'dpop'>,
  client: Client,
  deps: ProtocolDeps,
): Promise<string | null | OAuthError> {
  const proof = await checkDpopProof(
    { header: request.dpop, method: 'POST', url: deps.endpoints.token },
    deps,
  );
  if (proof instanceof OAuthError) return proof;
  // §5.2 (dpop_bound_access_tokens), FAPI 2.0 §5.3.2.1: such a client only ever gets sender-constrained tokens.
  if (proof === undefined && client.requireDpop) {
    const nonce = responseNonce(deps);
    return new OAuthError(
      'invalid_request',
      'DPoP proof required',
      nonce === undefined ? {} : { dpopNonce: nonce },
    );
  }
  return proof?.jkt ?? null;
}

/** §10: a code bound with dpop_jkt is redeemed only with a proof made with that key. */
export function codeBindingRefusal(codeJkt: string | null, jkt: string | null): OAuthError | undefined {
  if (codeJkt === null || codeJkt === jkt) return undefined;
  return new OAuthError(
    'invalid_grant',
    jkt === null
      ? 'the authorization code is bound to a DPoP key (dpop_jkt): send a DPoP proof made with it'
      : 'the DPoP proof key does not match the dpop_jkt the authorization code is bound to',
  );
}

/**
 * §5: a public client's refresh token is bound to its DPoP key, so only a proof of that key refreshes it. A
 * confidential client's refresh token is not bound (the client authenticates), whatever key it proves now.
 */
export function refreshBindingRefusal(
  token: Pick<StoredToken, 'jkt'>,
  client: Client,
  jkt: string | null,
): OAuthError | undefined {
  if (!client.public || token.jkt === null || token.jkt === jkt) return undefined;
  return new OAuthError(
    'invalid_grant',
    jkt === null
      ? 'the refresh token is bound to a DPoP key: send a DPoP proof made with it'
      : 'the DPoP proof key does not match the key the refresh token is bound to',
  );
}
