// OpenID Provider metadata (OIDC Discovery §3) and RFC 8414 metadata: exactly what is implemented, no more.
import { type Endpoints, PATHS } from '../../config/endpoints.ts';
import type { LiveConfig } from '../../config/live.ts';
import { CLIENT_ASSERTION_ALGS, SIGNING_ALGS } from '../../shared/algorithms.ts';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../client-auth/index.ts';
import { DPOP_ALGS } from '../dpop/proof.ts';
import { GRANTS, grantOffered } from '../grants/index.ts';
import { REQUEST_OBJECT_ALGS } from '../requests/request-object.ts';

const CLIENT_AUTH = TOKEN_ENDPOINT_AUTH_METHODS.filter((m) => m !== 'none');

export function discoveryDocument(
  endpoints: Endpoints,
  config: LiveConfig,
  server: { requirePar: boolean; registration?: boolean; clientIdMetadataDocuments?: boolean } = {
    requirePar: false,
  },
): Record<string, unknown> {
  const claims = new Set([
    'sub',
    'iss',
    'aud',
    'exp',
    'iat',
    'auth_time',
    'acr',
    'amr',
    'nonce',
    'azp',
    'at_hash',
  ]);
  for (const scope of config.scopes.values()) for (const claim of scope.claims) claims.add(claim);
  const plain = [...config.clients.values()].some((c) => c.allowPlainPkce);
  // RFC 8628 §4: advertised only while some client may use it, so metadata never offers a dead grant.
  const device = [...config.clients.values()].some((c) => c.capabilities.has('device_code'));
  const grants = [...GRANTS.values()].filter((g) => grantOffered(g, config));
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorize,
    token_endpoint: endpoints.token,
    // RFC 9126 §5: where to push requests, and whether every client must (clients may be required one by one).
    pushed_authorization_request_endpoint: endpoints.par,
    require_pushed_authorization_requests: server.requirePar,
    userinfo_endpoint: endpoints.userinfo,
    jwks_uri: endpoints.jwks,
    introspection_endpoint: endpoints.introspect,
    revocation_endpoint: endpoints.revoke,
    end_session_endpoint: endpoints.logout,
    // RFC 8414 §2: only while dynamic client registration (RFC 7591) is on.
    ...(server.registration ? { registration_endpoint: endpoints.base + PATHS.registration } : {}),
    // draft-ietf-oauth-client-id-metadata-document §5: only while https client_ids are fetched.
    ...(server.clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
    scopes_supported: [...config.scopes.keys()],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: grants.map((g) => g.grantType),
    ...(device ? { device_authorization_endpoint: endpoints.deviceAuthorization } : {}),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    userinfo_signing_alg_values_supported: [...SIGNING_ALGS],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH,
    // RFC 7009 §2.1: public clients may revoke their own tokens with client_id alone.
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // RFC 8414 §2: present whenever private_key_jwt or client_secret_jwt is listed; never none.
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    // RFC 9449 §5.1: the algorithms DPoP proofs may be signed with.
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
    code_challenge_methods_supported: plain ? ['S256', 'plain'] : ['S256'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    claims_supported: [...claims],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    // RFC 9101: signed request objects by value, at authorize and inside PAR.
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...REQUEST_OBJECT_ALGS],
    // OIDC Discovery §3: true (the default when absent) invites request_uri URLs the server would fetch
    // (OIDC Core §6.2); only PAR's own URNs are accepted, and those are advertised by the PAR endpoint.
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    ui_locales_supported: ['en'],
    // Each first-factor authenticator's implicit policy, then the configured policies (OIDC Discovery §3).
    acr_values_supported: [...new Set([...config.policies.values()].map((p) => p.acr))],
  };
}
