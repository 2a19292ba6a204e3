// The FAPI 2.0 Security Profile's authorization-server rules that a client's own config can break.
import type { ClientConfig } from './schema-client.ts';

/** FAPI 2.0 SP §5.4.1: PS256, ES256 and EdDSA (Ed25519) only; never RS256 or an HMAC. */
export const FAPI2_ALGS: readonly string[] = ['PS256', 'ES256', 'EdDSA'];

/** FAPI 2.0 SP §5.3.2.1: authorization codes live at most 60 seconds. */
export const FAPI2_CODE_LIFETIME = 60;

/** FAPI 2.0 SP §5.3.2.1: iat and nbf of a client's JWTs may be up to 10 seconds in the future. */
export const FAPI2_CLOCK_TOLERANCE = 10;

export interface ProfileRefusal {
  path: (string | number)[];
  message: string;
}

const RULES: readonly { path: string[]; broken(c: ClientConfig): boolean; message: string }[] = [
  {
    path: ['token_endpoint_auth_method'],
    broken: (c) => c.token_endpoint_auth_method !== 'private_key_jwt',
    message: 'FAPI 2.0 (§5.3.2.1) clients authenticate with private_key_jwt',
  },
  {
    path: ['token_endpoint_auth_signing_alg'],
    broken: (c) =>
      c.token_endpoint_auth_signing_alg !== undefined &&
      !FAPI2_ALGS.includes(c.token_endpoint_auth_signing_alg),
    message: 'FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for client assertions',
  },
  {
    path: ['id_token_signed_response_alg'],
    broken: (c) => !FAPI2_ALGS.includes(c.id_token_signed_response_alg),
    message: 'FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for ID tokens, not RS256',
  },
  {
    path: ['userinfo_signed_response_alg'],
    broken: (c) =>
      c.userinfo_signed_response_alg !== undefined && !FAPI2_ALGS.includes(c.userinfo_signed_response_alg),
    message: 'FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for signed userinfo',
  },
  {
    path: ['request_object_signing_alg'],
    broken: (c) =>
      c.request_object_signing_alg !== undefined && !FAPI2_ALGS.includes(c.request_object_signing_alg),
    message: 'FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for request objects',
  },
  {
    path: ['require_pkce'],
    broken: (c) => c.require_pkce === false || c.allow_plain_pkce,
    message: 'FAPI 2.0 (§5.3.2.2) requires PKCE with S256 on every authorization request',
  },
  {
    path: ['require_pushed_authorization_requests'],
    broken: (c) => c.require_pushed_authorization_requests === false,
    message: 'FAPI 2.0 (§5.3.2.2) requires pushed authorization requests',
  },
  {
    path: ['dpop_bound_access_tokens'],
    broken: (c) => c.dpop_bound_access_tokens === false,
    message: 'FAPI 2.0 (§5.3.2.1) issues only sender-constrained (DPoP-bound) access tokens',
  },
  {
    path: ['refresh_token', 'rotation'],
    broken: (c) => c.refresh_token.rotation === true,
    message:
      'FAPI 2.0 (§5.3.2.1) advises against refresh-token rotation: a lost response must not end the grant',
  },
];

/** Every rule of the profile this client's config breaks, each naming the section it comes from. */
export function fapi2Refusals(client: ClientConfig): ProfileRefusal[] {
  return RULES.filter((rule) => rule.broken(client)).map(({ path, message }) => ({ path, message }));
}
