// UserInfo endpoint (OIDC Core §5.3): claims for the access token's scopes (RFC 6750, RFC 9449 §7 for errors).
import { tokenOwner } from '../clients/token-owner.ts';
import type { ProtocolDeps } from '../deps.ts';
import { bindingMismatch, resourceProof, type TokenScheme } from '../dpop/resource.ts';
import { OAuthError } from '../errors.ts';
import { pick, releasedClaimNames } from '../tokens/claims.ts';
import { hashToken } from '../tokens/opaque.ts';

export interface UserinfoRequest {
  authorization: string | undefined;
  /** access_token from a form body (RFC 6750 §2.2), when the request was a form POST. */
  bodyToken: string | string[] | undefined;
  /** RFC 9449 §7: the DPoP header(s) and the request method a proof names (htm); absent when none was sent. */
  dpop?: { header: string | string[] | undefined; method: string };
}

/** RFC 6750 §3, RFC 9449 §7.1: a refused token gets a challenge in the scheme the client used, naming the error. */
const refused = (code: 'invalid_token' | 'insufficient_scope', description: string, scheme: TokenScheme) =>
  new OAuthError(code, description, { hint: scheme === 'dpop' ? 'challenge-dpop' : 'challenge-bearer' });

function presented(request: UserinfoRequest): { scheme: TokenScheme; value: string } | OAuthError {
  const header = request.authorization;
  const body = request.bodyToken;
  if (Array.isArray(body)) return new OAuthError('invalid_request', 'access_token must not be repeated');
  if (header !== undefined && body !== undefined) {
    return new OAuthError('invalid_request', 'send the access token in one place only (RFC 6750 §2)');
  }
  if (header !== undefined) {
    // RFC 6750 §2.1, RFC 9449 §7.1: the scheme name is case-insensitive, the token a token68.
    const match = /^(Bearer|DPoP) +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!match) {
      return new OAuthError(
        'invalid_request',
        'the Authorization header must be "Bearer <token>" or "DPoP <token>"',
      );
    }
    return { scheme: match[1]!.toLowerCase() === 'dpop' ? 'dpop' : 'bearer', value: match[2]! };
  }
  if (body !== undefined) return { scheme: 'bearer', value: body };
  // RFC 6750 §3.1: a request without a token is refused with a challenge that names no error.
  return new OAuthError('invalid_token', 'an access token is required', {
    hint: 'challenge-unauthenticated',
  });
}

export type UserinfoResult = { claims: Record<string, unknown> } | { jwt: string };

export async function userinfoEndpoint(
  request: UserinfoRequest,
  deps: ProtocolDeps,
): Promise<UserinfoResult | OAuthError> {
  const read = presented(request);
  if (read instanceof OAuthError) return read;
  const { scheme, value } = read;
  const proofJkt = await resourceProof(
    {
      scheme,
      accessToken: value,
      header: request.dpop?.header,
      method: request.dpop?.method ?? 'GET',
      url: deps.endpoints.userinfo,
    },
    deps,
  );
  if (proofJkt instanceof OAuthError) return proofJkt;
  const token = await deps.grants.findToken(hashToken(value));
  if (
    !token ||
    token.kind !== 'access_token' ||
    token.revoked ||
    token.expiresAt <= deps.clock.nowSeconds()
  ) {
    return refused('invalid_token', 'the access token is invalid, expired or revoked', scheme);
  }
  const mismatch = bindingMismatch(scheme, token.jkt, proofJkt);
  if (mismatch !== undefined) return refused('invalid_token', mismatch, scheme);
  // RFC 8707: a token for another API is not for this endpoint; a client's own token has no user.
  if (token.audience !== null || token.accountId === '') {
    return refused('invalid_token', 'the access token is not for the userinfo endpoint', scheme);
  }
  const scopes = token.scope.split(' ');
  if (!scopes.includes('openid')) {
    return refused('insufficient_scope', 'the access token was not issued with the openid scope', scheme);
  }
  const config = deps.config();
  // A client removed by a commit (or a deleted registration) takes its tokens with it.
  const client = await tokenOwner(deps.clients, token.clientId);
  if (!client) {
    return refused('invalid_token', 'the client this token was issued to no longer exists', scheme);
  }
  const account = await deps.accounts.findById(token.accountId);
  if (!account || account.disabled)
    return refused('invalid_token', 'the account is no longer active', scheme);
  const names = releasedClaimNames(config, scopes, token.claims, 'userinfo');
  const claims = { ...pick(account.claims, names), sub: account.id };
  if (!client.userinfoAlg) return { claims };
  // OIDC Core §5.3.2: a signed response carries iss and aud as well.
  return {
    jwt: await deps.signJwt(
      { ...claims, iss: deps.issuer, aud: client.client_id },
      { alg: client.userinfoAlg },
    ),
  };
}
