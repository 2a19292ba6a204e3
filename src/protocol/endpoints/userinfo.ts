// UserInfo endpoint (OIDC Core §5.3): claims for the bearer access token's scopes (RFC 6750 for errors).
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { pick, releasedClaimNames } from '../tokens/claims.ts';
import { hashToken } from '../tokens/opaque.ts';

export interface UserinfoRequest {
  authorization: string | undefined;
  /** access_token from a form body (RFC 6750 §2.2), when the request was a form POST. */
  bodyToken: string | string[] | undefined;
}

/** RFC 6750 §3: the resource answers a refused token with a Bearer challenge naming the error. */
const refused = (code: 'invalid_token' | 'insufficient_scope', description: string) =>
  new OAuthError(code, description, { hint: 'challenge-bearer' });

function bearer(request: UserinfoRequest): string | OAuthError {
  const header = request.authorization;
  const body = request.bodyToken;
  if (Array.isArray(body)) return new OAuthError('invalid_request', 'access_token must not be repeated');
  if (header !== undefined && body !== undefined) {
    return new OAuthError('invalid_request', 'send the access token in one place only (RFC 6750 §2)');
  }
  if (header !== undefined) {
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!match) return new OAuthError('invalid_request', 'the Authorization header must be "Bearer <token>"');
    return match[1]!;
  }
  if (body !== undefined) return body;
  // RFC 6750 §3.1: a request without a token is refused with a Bearer challenge.
  return refused('invalid_token', 'an access token is required');
}

export type UserinfoResult = { claims: Record<string, unknown> } | { jwt: string };

export async function userinfoEndpoint(
  request: UserinfoRequest,
  deps: ProtocolDeps,
): Promise<UserinfoResult | OAuthError> {
  const value = bearer(request);
  if (value instanceof OAuthError) return value;
  const token = await deps.grants.findToken(hashToken(value));
  if (
    !token ||
    token.kind !== 'access_token' ||
    token.revoked ||
    token.expiresAt <= deps.clock.nowSeconds()
  ) {
    return refused('invalid_token', 'the access token is invalid, expired or revoked');
  }
  // RFC 8707: a token for another API is not for this endpoint; a client's own token has no user.
  if (token.audience !== null || token.accountId === '') {
    return refused('invalid_token', 'the access token is not for the userinfo endpoint');
  }
  const scopes = token.scope.split(' ');
  if (!scopes.includes('openid')) {
    return refused('insufficient_scope', 'the access token was not issued with the openid scope');
  }
  const account = await deps.accounts.findById(token.accountId);
  if (!account || account.disabled) return refused('invalid_token', 'the account is no longer active');
  const config = deps.config();
  const names = releasedClaimNames(config, scopes, token.claims, 'userinfo');
  const claims = { ...pick(account.claims, names), sub: account.id };
  const client = config.clients.get(token.clientId);
  if (!client?.userinfoAlg) return { claims };
  // OIDC Core §5.3.2: a signed response carries iss and aud as well.
  return {
    jwt: await deps.signJwt(
      { ...claims, iss: deps.issuer, aud: client.client_id },
      { alg: client.userinfoAlg },
    ),
  };
}
