// Token introspection (RFC 7662): active:false for anything unknown, expired or revoked; metadata otherwise.
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
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
  if (token.rotatedAt !== null) {
    const grace = deps.config().clients.get(token.clientId)?.refreshToken.reuseGrace ?? 0;
    if (grace === 0 || now - token.rotatedAt > grace) return { active: false };
  }
  const account = await deps.accounts.findById(token.accountId);
  if (!account || account.disabled) return { active: false };
  return {
    active: true,
    scope: token.scope,
    client_id: token.clientId,
    username: account.username,
    token_type: token.kind === 'access_token' ? 'Bearer' : 'refresh_token',
    exp: token.expiresAt,
    iat: token.issuedAt,
    nbf: token.issuedAt,
    sub: token.accountId,
    aud: token.clientId,
    iss: deps.issuer,
    auth_time: token.authTime,
    acr: token.acr,
  };
}
