// OpenID Provider metadata (OIDC Discovery §3) and RFC 8414 metadata: exactly what is implemented, no more.
import type { Endpoints } from '../../config/endpoints.ts';
import type { LiveConfig } from '../../config/live.ts';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../client-auth/index.ts';
import { GRANTS } from '../grants/index.ts';

export function discoveryDocument(endpoints: Endpoints, config: LiveConfig): Record<string, unknown> {
  const claims = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'azp', 'at_hash']);
  for (const scope of config.scopes.values()) for (const claim of scope.claims) claims.add(claim);
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorize,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    jwks_uri: endpoints.jwks,
    scopes_supported: [...config.scopes.keys()],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANTS.keys()],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    code_challenge_methods_supported: ['S256'],
    claims_supported: [...claims],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    acr_values_supported: [...config.authenticators.values()].map((a) => acrFor(a.id)),
  };
}

/** The acr value an authenticator stamps on the sessions it makes (the seed's URN shape). */
export function acrFor(authenticatorId: string): string {
  return `urn:tessera:authentication:html-form:${authenticatorId}`;
}
