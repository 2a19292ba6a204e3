// The shape every grant type file exports; the registry lists them.
import type { Capability, Client } from '../../config/live.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { OAuthError } from '../errors.ts';
import type { Params } from '../params/parse.ts';
import type { TokenResponse } from '../tokens/response.ts';

export const TOKEN_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
  // RFC 8693 §2.1 (audience may repeat: read apart, like resource)
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  // RFC 8628 §3.4
  'device_code',
] as const;

export type TokenParam = (typeof TOKEN_PARAMS)[number];

/** What a grant reads besides the single-valued parameters. */
export interface GrantRequest {
  /** RFC 8707 §2: every resource sent (it may repeat), already checked to be absolute URIs. */
  resources: readonly string[];
  /** RFC 9449: the thumbprint of the DPoP proof's key, when the request carried a valid proof. */
  jkt: string | null;
  /** RFC 8693 §2.1: every audience sent (it may repeat); absent for a request that was not read for one. */
  audiences?: readonly string[];
}

export interface Grant {
  grantType: string;
  /** The capability a client needs for this grant, when it needs one beyond being a client. */
  capability?: Capability;
  /**
   * Off unless some client has `capability`: only then is the grant listed in discovery and accepted
   * (unsupported_grant_type otherwise), so metadata never offers a grant no client can use.
   */
  optIn?: boolean;
  handle(
    params: Params<TokenParam>,
    client: Client,
    deps: ProtocolDeps,
    request: GrantRequest,
  ): Promise<TokenResponse | OAuthError>;
}
