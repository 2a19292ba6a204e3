// Token introspection (RFC 7662): active:false for anything unknown, expired or revoked; metadata otherwise.

import { tokenOwner } from '../clients/token-owner.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { exchangedClaims } from '../exchange/introspection.ts';
import { hashToken } from '../tokens/opaque.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

export async function introspectEndpoint(
  request: ClientRequest,
  deps: ProtocolDeps,
): Promise<Record<string, unknown> | OAuthError> {
  // RFC 7662 §2.1/§4: only authenticated clients may introspect; a bare client_id proves nothing.
  const read = await readClientRequest(request, ['token', 'token_type_hint'] as const, deps, false);
  if (read instanceof OAuthError) return read;
  const { params } = read;
  if (params.token === undefined) return new OAuthError('invalid_request', 'token is required');
  const token = await deps.grants.findToken(hashToken(params.token));
  const now = deps.clock.nowSeconds();
  // §2.2: nothing is said about tokens that are not active, not even why.
  if (!token || token.revoked || token.expiresAt <= now) return { active: false };
  // A rotated-out refresh token can no longer be used, unless still inside a non-zero grace period.
  const owner = await tokenOwner(deps.clients, token.clientId);
  if (token.rotatedAt !== null) {
    const grace = owner?.refreshToken.reuseGrace ?? 0;
    if (grace === 0 || now - token.rotatedAt > grace) return { active: false };
  }
  // A client removed by a commit (or a deleted registration) takes its tokens with it: none is active any more.
  if (!owner) return { active: false };
  // A token with no resource owner (client credentials) stands for its client.
  const user = token.accountId !== '';
  const account = user ? await deps.accounts.findById(token.accountId) : undefined;
  if (user && (!account || account.disabled)) return { active: false };
  // RFC 8707 §2 / RFC 7662 §2.2: aud names the API the access token is for, else the client.
  const audience =
    token.kind === 'access_token' && token.audience !== null ? token.audience.split(' ') : [token.clientId];
  return {
    active: true,
    scope: token.scope,
    client_id: token.clientId,
    ...(account ? { username: account.username } : {}),
    // RFC 9449 §6.2: a DPoP-bound token says so, and names its key.
    token_type: token.kind === 'refresh_token' ? 'refresh_token' : token.jkt === null ? 'Bearer' : 'DPoP',
    ...(token.jkt === null ? {} : { cnf: { jkt: token.jkt } }),
    exp: token.expiresAt,
    iat: token.issuedAt,
    nbf: token.issuedAt,
    sub: user ? token.accountId : token.clientId,
    aud: audience.length === 1 ? audience[0] : audience,
    iss: deps.issuer,
    ...(user ? { auth_time: token.authTime, acr: token.acr } : {}),
    ...exchangedClaims(token),
  };
}
