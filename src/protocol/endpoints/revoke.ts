// Token revocation (RFC 7009): a refresh token takes its whole grant with it; unknown tokens still get 200.
import type { ProtocolDeps } from '../deps.ts';
import { checkDpopProof } from '../dpop/proof.ts';
import { OAuthError } from '../errors.ts';
import { hashToken } from '../tokens/opaque.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

export async function revokeEndpoint(
  request: ClientRequest,
  deps: ProtocolDeps,
): Promise<undefined | OAuthError> {
  const read = await readClientRequest(request, ['token', 'token_type_hint'] as const, deps);
  if (read instanceof OAuthError) return read;
  const { params, client } = read;
  if (params.token === undefined) return new OAuthError('invalid_request', 'token is required');
  // RFC 9449 defines no proof here, but DPoP clients may send one with every request: one sent must be valid.
  // A bound token needs none: authenticating as its client is what revocation asks (§2.1).
  const proof = await checkDpopProof(
    { header: request.dpop, method: 'POST', url: deps.endpoints.revoke },
    deps,
  );
  if (proof instanceof OAuthError) return proof;
  const hash = hashToken(params.token);
  const token = await deps.grants.findToken(hash);
  // §2.1: a client may only revoke its own tokens; for any other token the answer is the same 200.
  if (!token || token.clientId !== client.client_id) return undefined;
  const now = deps.clock.nowSeconds();
  // §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant.
  if (token.kind === 'refresh_token') await deps.grants.revokeGrant(token.grantId, now);
  else await deps.grants.revokeToken(hash, now);
  return undefined;
}
